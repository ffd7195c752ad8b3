import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Which BFF processes are alive: each heart-beats its row (database time) while it runs and marks it stopped on
 * a clean shutdown, so another replica takes over a dead one's claimed grants within seconds instead of at the
 * end of a lease. `jit_grant.retry_reason` says why a close waits for a retry, so the end of an ARM outage wakes
 * the ones that waited on it at once (`unreachable`) while those throttled keep their Retry-After.
 */
export const instances: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("bff_instance")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("node", "text", (c) => c.notNull())
      .addColumn("started_at", "timestamptz", (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
      .addColumn("heartbeat_at", "timestamptz", (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
      .addColumn("stopped_at", "timestamptz")
      .execute();
    await db.schema.createIndex("bff_instance_node_idx").on("bff_instance").column("node").execute();
    await db.schema.alterTable("jit_grant").addColumn("retry_reason", "text").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("jit_grant").dropColumn("retry_reason").execute();
    await db.schema.dropTable("bff_instance").execute();
  },
};
