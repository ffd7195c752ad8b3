import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../lib/db/database.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { testPostgresUrl } from "../test-support/db-engines.ts";
import { createLogger } from "../lib/logger.ts";
import { createGrantRepository } from "../requests/repository.ts";
import { storedGrant } from "../test-support/requests.ts";
import { createDeliveryJob } from "./delivery-job.ts";
import { createExpiryWarningJob } from "./expiry-warning-job.ts";
import { createNotificationRepository } from "./repository.ts";
import { fakeDns, startReceiver, type TestReceiver } from "../test-support/notifications.ts";
import { testAudit } from "../test-support/audit.ts";

/** Two BFF replicas (each its own pool and jobs) on one PostgreSQL schema: each delivery and each warning happens once. */
describe("notification jobs on two replicas sharing PostgreSQL", () => {
  const schema = `test_notify_${randomBytes(4).toString("hex")}`;
  const databases: Database[] = [];
  let hook: TestReceiver;
  const subscriptionId = randomUUID();
  // The receiver is http://127.0.0.1, which the development switch allows; no host name is resolved.
  const localReceivers = { allowHttpLocalhost: true, allowedHosts: new Set<string>(), resolve: fakeDns().resolve };

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const database = await openDatabase({ kind: "postgres", url: testPostgresUrl, schema });
      databases.push(database);
      if (i === 0) await migrateToLatest(database);
    }
    hook = await startReceiver(() => 200);
    await createNotificationRepository(databases[0]!.kysely).insertSubscription({
      id: subscriptionId,
      name: "replicas",
      kind: "webhook",
      target: `${hook.url}/hook`,
      secret: "r".repeat(40),
      toRequester: false,
      scope: "/",
      events: ["request.opened", "request.expiring"],
      enabled: true,
      createdAt: new Date(),
      createdBy: "test",
    });
  });
  afterAll(async () => {
    await hook?.close();
    if (databases[0] !== undefined) await sql`drop schema ${sql.id(schema)} cascade`.execute(databases[0].kysely);
    await Promise.all(databases.map((d) => d.close()));
  });

  it("two delivery jobs running at once deliver each of 60 queued notifications exactly once", async () => {
    const now = new Date(Date.now() - 1_000);
    const payload = JSON.stringify({ auditEventId: null, action: null, occurredAt: now.toISOString(), outcome: "success", actor: { oid: "t", name: "t" }, vmId: null, vmName: "vm", portalPath: "/jit" });
    const rows = Array.from({ length: 60 }, () => ({ id: randomUUID(), subscription_id: subscriptionId, subscription_name: "replicas", kind: "webhook" as const, target: `${hook.url}/hook`, event: "request.opened", vm_name: "vm", payload, status: "pending" as const, next_attempt_at: now, created_at: now }));
    await databases[0]!.kysely.insertInto("notification_outbox").values(rows).execute();

    const jobs = databases.map((d) => createDeliveryJob({ db: d.kysely, audit: testAudit, logger: createLogger("silent"), render: { publicUrl: "http://localhost:8080" }, mailer: null, addresses: localReceivers, tuning: { concurrency: 4 } }));
    const reports = await Promise.all(jobs.map((job) => job.run()));

    expect(reports.reduce((sum, r) => sum + r.delivered, 0)).toBe(60);
    expect(reports.every((r) => r.claimed === r.delivered)).toBe(true);
    const ids = hook.received.map((r) => r.headers["x-portcullis-delivery"]);
    expect(ids).toHaveLength(60);
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.id)));
    const stored = await databases[1]!.kysely.selectFrom("notification_outbox").select(["status", "attempts"]).execute();
    expect(stored.every((r) => r.status === "delivered" && r.attempts === 1)).toBe(true);
  });

  it("two expiry warning jobs running at once warn each grant about to end once", async () => {
    const now = new Date();
    const grants = Array.from({ length: 20 }, () => storedGrant(randomUUID(), { endsAt: new Date(now.getTime() + 5 * 60_000) }));
    const repository = createGrantRepository(databases[0]!.kysely);
    for (const grant of grants) await repository.insertOpening(grant, []);
    const jobs = databases.map((d) => createExpiryWarningJob({ db: d.kysely, logger: createLogger("silent"), clock: { now: () => now } }));

    const warned = await Promise.all(jobs.map((job) => job.run()));
    expect(warned[0]! + warned[1]!).toBe(20);
    const queued = await databases[1]!.kysely.selectFrom("notification_outbox").select("payload").where("event", "=", "request.expiring").execute();
    expect(queued.map((r) => (r.payload as { grantId: string }).grantId).sort()).toEqual(grants.map((g) => g.id).sort());
    expect(await Promise.all(jobs.map((job) => job.run()))).toEqual([0, 0]);
  });
});
