import { randomBytes } from "node:crypto";
import { startEmulator, type RunningEmulator } from "@portcullis/azure-emulator";
import type { AccessRequest } from "@portcullis/contract";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAccess } from "../lib/auth/access.ts";
import type { ArmClients } from "../lib/azure/clients.ts";
import { openDatabase, type Database } from "../lib/db/database.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { testPostgresUrl } from "../test-support/db-engines.ts";
import { createNsgLockManager, type NsgLockManager } from "../lib/locks/nsg-locks.ts";
import { createLogger } from "../lib/logger.ts";
import { createPolicyRepository } from "../policies/repository.ts";
import { createPolicyService } from "../policies/service.ts";
import { demo } from "../test-support/policies.ts";
import type { Caller } from "../lib/auth/caller.ts";
import { allowRules, sshPerRequest } from "../test-support/requests.ts";
import { principalDeps } from "../test-support/principals.ts";
import { assembleAccessStack } from "../test-support/access-stack.ts";
import { createDriftRepository } from "../drift/drift-repository.ts";
import { testArmClients } from "../test-support/test-arm.ts";
import { testAudit } from "../test-support/audit.ts";

function caller(oid: string, tenantRoles: Array<"Approver" | "Requester">): Caller {
  const principal = { oid, name: `User ${oid}`, username: `${oid}@contoso.test`, tenantId: "t", tenantRoles, ignoredRoles: [], groups: [] };
  return { oid, name: principal.name, access: buildAccess(principal, []), ip: "198.51.100.20", correlationId: null };
}

describe("approvals on two BFF replicas sharing one PostgreSQL database", () => {
  const schema = `test_approvals_${randomBytes(4).toString("hex")}`;
  let emulator: RunningEmulator;
  let arm: ArmClients;
  const databases: Database[] = [];
  const lockManagers: NsgLockManager[] = [];
  const replicas: Array<ReturnType<typeof assembleAccessStack>> = [];

  beforeAll(async () => {
    emulator = await startEmulator({ dataDir: null, writeLatencyMs: 30 });
    arm = testArmClients(emulator);
    const logger = createLogger("silent");
    for (let i = 0; i < 2; i++) {
      const database = await openDatabase({ kind: "postgres", url: testPostgresUrl, schema });
      if (i === 0) await migrateToLatest(database);
      const locks = createNsgLockManager({ postgresUrl: testPostgresUrl });
      databases.push(database);
      lockManagers.push(locks);
      replicas.push(
        assembleAccessStack({
          db: database.kysely,
          ...principalDeps(database.kysely),
          audit: testAudit,
          policies: createPolicyRepository(database.kysely),
          drift: createDriftRepository(database.kysely),
          arm,
          locks,
          logger,
          scheduler: { intervalMs: 1000, reconcileIntervalSeconds: 60, reconcileRepair: false },
        }),
      );
    }
    const db = databases[0] as Database;
    const policyService = createPolicyService({ db: db.kysely, audit: testAudit, repository: createPolicyRepository(db.kysely), arm, locks: lockManagers[0] as NsgLockManager, inventory: { policiesChanged: async () => undefined }, logger });
    await policyService.put([{ vmId: demo.web01, ports: [sshPerRequest], approval: { requiredApprovals: 2, approvers: { roleHolders: true, users: [], groups: [] }, allowSelfApproval: false, maxWait: "PT1H", clockStartsAt: "approval" } }], {
      kind: "put",
      context: { actor: { oid: "test", name: "test", ip: null }, correlationId: null },
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(lockManagers.map((l) => l.close()));
    if (databases[0] !== undefined) await sql`drop schema ${sql.id(schema)} cascade`.execute(databases[0].kysely);
    await Promise.all(databases.map((d) => d.close()));
    arm?.close();
    await emulator?.stop();
  });

  it("three approvers of a two-approval request, at once on both replicas: it opens exactly once, with two decisions; the third is told it is already open", async () => {
    const [a, b] = replicas as [ReturnType<typeof assembleAccessStack>, ReturnType<typeof assembleAccessStack>];
    const outcome = await a.requests.create({ vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "my-ip" }, durationMinutes: 60, justification: "race" }, caller("requester", ["Requester"]));
    expect(outcome.kind).toBe("pending");
    const id = outcome.kind === "pending" ? outcome.request.id : "";

    const results = await Promise.allSettled(
      ["approver-1", "approver-2", "approver-3"].map((oid, i) => (i % 2 === 0 ? a : b).approvals.service.approve(id, null, caller(oid, ["Approver"]))),
    );
    const fulfilled = results.filter((r): r is PromiseFulfilledResult<AccessRequest> => r.status === "fulfilled");
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(fulfilled).toHaveLength(2);
    expect(rejected.map((r) => (r.reason as Error).message)).toEqual([expect.stringMatching(/already approved and opened/)]);

    const db = (databases[0] as Database).kysely;
    const request = await db.selectFrom("access_request").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(request.status).toBe("opened");
    expect(await db.selectFrom("access_request_decision").select("approver_oid").where("request_id", "=", id).execute()).toHaveLength(2);
    const grants = await db.selectFrom("jit_grant").select(["id", "status"]).where("request_id", "=", id).execute();
    expect(grants).toEqual([{ id: request.grant_id, status: "open" }]);
    const opened = await db.selectFrom("audit_event").select("action").where("correlation_id", "is", null).where("action", "in", ["request.opened", "request.approved"]).execute();
    expect(opened.map((e) => e.action).sort()).toEqual(["request.approved", "request.approved", "request.opened"]);
    const rules = await allowRules(arm, demo.nsgWeb01);
    expect(rules).toHaveLength(1);
    expect(rules[0]?.description).toContain(request.grant_id);
  });
});
