import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import type { AccessEventFacts } from "@portcullis/contract";
import type { AuditEventInput } from "../lib/audit/audit-events.ts";
import type { Database } from "../lib/db/database.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { testEngines } from "../test-support/db-engines.ts";
import { createLogger } from "../lib/logger.ts";
import { accessDetails, testAudit, testAuditKey } from "../test-support/audit.ts";
import { createActivityRepository } from "./repository.ts";
import { startRetentionJob } from "./retention-job.ts";
import { createActivityService } from "./service.ts";

const dana = { oid: "oid-dana", name: "Dana Developer", ip: null };
const avery = { oid: "oid-avery", name: "Avery Approver", ip: null };
const vm = (rg: string, name: string) => `/subscriptions/s-1/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
const vmA = vm("rg_1", "vm-a");
const vmB = vm("rgx1", "vm-b");
const opened = (actor: typeof dana, vmId: string, extra: { action?: "request.opened" | "request.created"; outcome?: "success" | "failure"; details?: Partial<AccessEventFacts> } = {}): AuditEventInput =>
  ({ actor, action: extra.action ?? "request.opened", outcome: extra.outcome ?? "success", vmId, details: accessDetails(extra.details) }) as AuditEventInput;

describe.each(testEngines)("activity storage on $name", (engine) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  const pause = () => new Promise((resolve) => setTimeout(resolve, 15));

  beforeAll(async () => {
    ({ database, cleanup } = await engine.open());
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await cleanup?.();
  });
  beforeEach(async () => {
    await sql`alter table audit_event disable trigger user`.execute(database.kysely);
    await sql`delete from audit_event`.execute(database.kysely);
    await sql`alter table audit_event enable trigger user`.execute(database.kysely);
  });

  it("sums up approved (opened) requests per VM since a time, and the latest one's time and user, in one query", async () => {
    const repository = createActivityRepository(database.kysely);
    await testAudit.record(database.kysely, opened(dana, vmA));
    await pause();
    const since = new Date();
    await pause();
    await testAudit.record(database.kysely, opened(dana, vmA));
    await testAudit.record(database.kysely, opened(dana, vmA, { outcome: "failure" }));
    await testAudit.record(database.kysely, opened(dana, vmA, { action: "request.created" }));
    await testAudit.record(database.kysely, opened(avery, vmA, { details: { requester: { oid: "oid-riley", name: "Riley Reader" } } }));
    const last = (await database.kysely.selectFrom("audit_event").select("at").orderBy("seq", "desc").executeTakeFirstOrThrow()).at;

    const summaries = await repository.summaries([vmA.toUpperCase(), vmB], since);
    expect(summaries.get(vmA.toLowerCase())).toEqual({ approvedLast7Days: 2, lastAccessAt: new Date(last).toISOString(), lastUser: "Riley Reader" });
    expect(summaries.get(vmB.toLowerCase())).toEqual({ approvedLast7Days: 0, lastAccessAt: null, lastUser: null });
    expect(await repository.summaries([], since)).toEqual(new Map());
  });

  it("matches a scope by whole path segments, reading _ and % in names literally", async () => {
    const repository = createActivityRepository(database.kysely);
    await testAudit.record(database.kysely, opened(dana, vmA));
    await testAudit.record(database.kysely, opened(dana, vmB));
    await testAudit.record(database.kysely, opened(dana, vm("rg_10", "vm-c")));
    const scoped = await repository.page({}, { kind: "limited", vmScopes: ["/subscriptions/s-1/resourcegroups/rg_1"], actorOid: null }, 10);
    expect(scoped.map((r) => r.vm_id)).toEqual([vmA.toLowerCase()]);
    const ownOrVm = await repository.page({}, { kind: "limited", vmScopes: [vmB.toLowerCase()], actorOid: "nobody" }, 10);
    expect(ownOrVm.map((r) => r.vm_id)).toEqual([vmB.toLowerCase()]);
  });

  it("prunes at start by the configured retention, and the chain still verifies", async () => {
    for (const n of [1, 2, 3]) await testAudit.record(database.kysely, opened(dana, vmA, { details: { durationMinutes: n } }));
    const later = new Date(Date.now() + 40 * 86_400_000);
    const service = createActivityService({ db: database.kysely, key: testAuditKey, retentionDays: 30, now: () => later });
    await startRetentionJob(service, createLogger("silent")).stop();
    expect(await database.kysely.selectFrom("audit_event").selectAll().execute()).toEqual([]);
    const [checkpoint] = await database.kysely.selectFrom("audit_checkpoint").selectAll().orderBy("seq", "desc").execute();
    expect(Number(checkpoint?.count)).toBe(3);
    await testAudit.record(database.kysely, opened(dana, vmA));
    expect(await service.verify()).toMatchObject({ ok: true, checked: 1, checkpoint: { seq: Number(checkpoint?.seq) } });
  });

  it("keeps events forever without a retention", async () => {
    await testAudit.record(database.kysely, opened(dana, vmA));
    const service = createActivityService({ db: database.kysely, key: testAuditKey, retentionDays: undefined, now: () => new Date(Date.now() + 1e12) });
    expect(await service.prune()).toBeNull();
    await startRetentionJob(service, createLogger("silent")).stop();
    expect(await database.kysely.selectFrom("audit_event").selectAll().execute()).toHaveLength(1);
  });
});
