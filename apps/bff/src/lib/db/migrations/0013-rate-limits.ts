import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * `rate_limit_hit`: the request counts of the per-address and per-user limits when replicas share PostgreSQL, so N
 * replicas do not allow N times the limit. One row per key and window (database time).
 */
export const rateLimits: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("rate_limit_hit")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("hits", "integer", (c) => c.notNull())
      .addColumn("reset_at", "timestamptz", (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("rate_limit_hit").execute();
  },
};
