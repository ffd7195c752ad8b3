import { randomBytes } from "node:crypto";
import { parseJitRuleName, vmHash } from "@portcullis/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../lib/db/database.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { testPostgresUrl } from "../test-support/db-engines.ts";
import { createNsgLockManager, type NsgLockManager } from "../lib/locks/nsg-locks.ts";
import { createLogger } from "../lib/logger.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { createPolicyRepository } from "./repository.ts";
import { createPolicyService, type PolicyService } from "./service.ts";
import { counterKey, demo, rdp, rulesNow, ssh } from "../test-support/policies.ts";
import { testAudit } from "../test-support/audit.ts";

/** Two BFF replicas: each its own database pool, lock manager and service; one PostgreSQL schema; one ARM. */
describe("two replicas sharing PostgreSQL", () => {
  const schema = `test_replicas_${randomBytes(4).toString("hex")}`;
  let emulator: TestEmulator;
  let bff: InProcessBff;
  const databases: Database[] = [];
  const locks: NsgLockManager[] = [];
  const services: PolicyService[] = [];

  beforeAll(async () => {
    emulator = await startTestEmulator();
    // Only for its ARM clients (with a token the emulator accepts); the replicas are built below.
    bff = await assembleTestBff(emulator);
    for (let i = 0; i < 2; i++) {
      const database = await openDatabase({ kind: "postgres", url: testPostgresUrl, schema });
      databases.push(database);
      if (i === 0) await migrateToLatest(database);
      const manager = createNsgLockManager({ postgresUrl: testPostgresUrl });
      locks.push(manager);
      services.push(
        createPolicyService({
          db: database.kysely,
          audit: testAudit,
          repository: createPolicyRepository(database.kysely),
          arm: bff.arm,
          locks: manager,
          inventory: { policiesChanged: async () => undefined },
          logger: createLogger("silent"),
        }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(locks.map((l) => l.close()));
    if (databases[0] !== undefined) await sql`drop schema ${sql.id(schema)} cascade`.execute(databases[0].kysely);
    await Promise.all(databases.map((d) => d.close()));
    await bff?.close();
    await emulator?.stop();
  });

  it("enabling VMs that share one NSG on both replicas at once: both succeed and the NSG holds both VMs' rules", async () => {
    // Slow writes: without serialisation the second write would meet a busy NSG or a stale ETag.
    emulator.control.setConfig({ writeLatencyMs: 300 });
    emulator.control.resetCounters();
    const context = (name: string) => ({ actor: { oid: "oid-" + name, name, ip: null }, correlationId: name });
    const [one, two] = services as [PolicyService, PolicyService];
    const results = await Promise.allSettled([
      one.put([{ vmId: demo.web03, ports: [ssh] }], { kind: "put", context: context("replica-1") }),
      two.put([{ vmId: demo.web04, ports: [rdp] }], { kind: "put", context: context("replica-2") }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);

    const denies = (await rulesNow(bff.arm, demo.nsgSnetWeb)).filter((r) => r.name.startsWith("portcullis-jit-deny-"));
    const owners = new Set(denies.map((r) => parseJitRuleName(r.name)?.vmHash));
    expect(owners).toEqual(new Set([vmHash(demo.web03), vmHash(demo.web04)]));
    const counters = emulator.control.counters();
    expect(counters.writesByNsg).toEqual({ [counterKey(demo.nsgSnetWeb)]: 2 });
    // The advisory lock made the second replica wait: no write ever met a busy NSG or a stale ETag.
    expect(counters.conflicts).toBe(0);
    const stored = await databases[1]!.kysely.selectFrom("jit_policy").select("vm_name").orderBy("vm_name").execute();
    expect(stored.map((r) => r.vm_name)).toEqual(["vm-prod-web-03", "vm-prod-web-04"]);
  });
});
