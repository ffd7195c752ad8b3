import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../lib/db/database.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { createLogger } from "../lib/logger.ts";
import { createManualClock } from "../test-support/manual-clock.ts";
import { deliveryLogRetentionDays, outboxPruningJob } from "./wiring.ts";

describe("pruning the delivery log", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ kind: "pglite-memory" });
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  it(`removes finished deliveries older than ${deliveryLogRetentionDays} days and keeps recent ones and every pending one`, async () => {
    const now = new Date("2030-03-01T12:00:00Z");
    const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3600_000);
    const rows = [
      { name: "old delivered", status: "delivered", at: daysAgo(31) },
      { name: "old failed", status: "failed", at: daysAgo(45) },
      { name: "old pending", status: "pending", at: daysAgo(60) },
      { name: "recent delivered", status: "delivered", at: daysAgo(29) },
    ] as const;
    for (const row of rows) {
      await database.kysely
        .insertInto("notification_outbox")
        .values({ id: randomUUID(), subscription_id: null, subscription_name: row.name, kind: "webhook", target: "https://hooks.example.com/x", event: "request.opened", vm_name: "vm", payload: "{}", status: row.status, next_attempt_at: row.at, created_at: row.at })
        .execute();
    }
    const job = outboxPruningJob(database.kysely, createLogger("silent"), createManualClock(now));
    expect(await job.run()).toBe(2);
    const left = await database.kysely.selectFrom("notification_outbox").select("subscription_name").orderBy("subscription_name").execute();
    expect(left.map((r) => r.subscription_name)).toEqual(["old pending", "recent delivered"]);
    expect(await job.run()).toBe(0);
  });
});
