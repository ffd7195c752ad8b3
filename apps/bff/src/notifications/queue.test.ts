import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AuditEventInput } from "../lib/audit/audit-events.ts";
import { accessDetails, testAudit } from "../test-support/audit.ts";
import { openDatabase, type Database } from "../lib/db/database.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { demo } from "../test-support/policies.ts";
import { createNotificationRepository } from "./repository.ts";

/** The audit hook against a real (PGlite) database: what it queues, and what it costs. */
describe("queueing notifications from the audit trail", () => {
  let database: Database;
  const statements: string[] = [];
  /** Records every statement (its syntax tree as JSON) sent through the wrapped Kysely. */
  const recorder: KyselyPlugin = {
    transformQuery(args) {
      statements.push(JSON.stringify(args.node));
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
  const touchingNotifications = () => statements.filter((s) => s.includes("notification_"));
  const actor = { oid: "dev-oid", name: "Dana Developer", ip: null };
  const requester = { oid: "dev-oid", name: "Dana Developer", username: "dev@contoso.test" };
  const opened = (vmId: string): AuditEventInput => ({ actor, action: "request.opened", outcome: "success", vmId, details: accessDetails({ grantId: "g", vmName: vmId.split("/").at(-1) ?? "", ports: [{ port: 22, protocol: "TCP" }], requester }) });

  beforeAll(async () => {
    database = await openDatabase({ kind: "pglite-memory" });
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async () => {
    await database.kysely.deleteFrom("notification_outbox").execute();
    await database.kysely.deleteFrom("notification_subscription").execute();
    const repository = createNotificationRepository(database.kysely);
    const base = { secret: null, toRequester: false, enabled: true, createdAt: new Date(), createdBy: "test", events: ["request.opened" as const] };
    await repository.insertSubscription({ ...base, id: "00000000-0000-4000-8000-000000000001", name: "web tier", kind: "webhook", target: "https://hooks.example.com/web", scope: "/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/rg-web-prod" });
    await repository.insertSubscription({ ...base, id: "00000000-0000-4000-8000-000000000002", name: "app tier", kind: "webhook", target: "https://hooks.example.com/app", scope: "/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/rg-app-prod" });
    await repository.insertSubscription({ ...base, id: "00000000-0000-4000-8000-000000000003", name: "off", kind: "webhook", target: "https://hooks.example.com/off", scope: "/", enabled: false });
    await repository.insertSubscription({ ...base, id: "00000000-0000-4000-8000-000000000004", name: "team mail", kind: "email", target: '["secops@contoso.test"]', toRequester: true, scope: "/" });
    statements.length = 0;
  });

  const outbox = () => database.kysely.selectFrom("notification_outbox").select(["subscription_name", "target", "event", "vm_name", "status"]).orderBy("subscription_name").execute();

  it("events that notify nothing cost no query on the notification tables and queue nothing", async () => {
    await testAudit.recordAll(database.kysely.withPlugin(recorder), [
      { actor, action: "policy.edited", outcome: "success", vmId: demo.web01, details: {} },
      { actor, action: "request.extended", outcome: "success", vmId: demo.web01, details: { ...accessDetails({ requester }), addMinutes: 30 } },
      { actor, action: "request.approved", outcome: "success", vmId: demo.web01, details: { ...accessDetails({ requester }), approvals: 1, required: 2, remaining: 1 } },
      { actor, action: "rbac.assignment-added", outcome: "success", details: { role: "Auditor", scope: "/" } },
    ]);
    expect(statements.length).toBeGreaterThan(0);
    expect(touchingNotifications()).toEqual([]);
    expect(await outbox()).toEqual([]);
  });

  it("a batch that notifies costs one subscription query and one insert, with rows only for subscriptions whose scope holds the VM", async () => {
    await testAudit.recordAll(database.kysely.withPlugin(recorder), [opened(demo.web01), { actor, action: "policy.edited", outcome: "success", vmId: demo.app01, details: {} }, opened(demo.web02)]);
    expect(touchingNotifications().map((s) => (s.includes('"kind":"SelectQueryNode"') ? "select" : s.includes('"kind":"InsertQueryNode"') ? "insert" : s))).toEqual(["select", "insert"]);
    expect(await outbox()).toEqual([
      { subscription_name: "team mail", target: '["secops@contoso.test"]', event: "request.opened", vm_name: "vm-prod-web-01", status: "pending" },
      { subscription_name: "team mail", target: '["secops@contoso.test"]', event: "request.opened", vm_name: "vm-prod-web-02", status: "pending" },
      { subscription_name: "team mail (to the requester)", target: '["dev@contoso.test"]', event: "request.opened", vm_name: "vm-prod-web-01", status: "pending" },
      { subscription_name: "team mail (to the requester)", target: '["dev@contoso.test"]', event: "request.opened", vm_name: "vm-prod-web-02", status: "pending" },
      { subscription_name: "web tier", target: "https://hooks.example.com/web", event: "request.opened", vm_name: "vm-prod-web-01", status: "pending" },
      { subscription_name: "web tier", target: "https://hooks.example.com/web", event: "request.opened", vm_name: "vm-prod-web-02", status: "pending" },
    ]);
  });

  it("the rows commit with the change: a rolled-back transaction queues nothing", async () => {
    await expect(
      database.kysely.transaction().execute(async (trx) => {
        await testAudit.recordAll(trx, [opened(demo.app01)]);
        expect(await trx.selectFrom("notification_outbox").select("id").execute()).toHaveLength(3);
        throw new Error("the NSG write failed");
      }),
    ).rejects.toThrow("the NSG write failed");
    expect(await outbox()).toEqual([]);
    await database.kysely.transaction().execute((trx) => testAudit.recordAll(trx, [opened(demo.app01)]));
    expect((await outbox()).map((r) => r.subscription_name)).toEqual(["app tier", "team mail", "team mail (to the requester)"]);
  });
});
