import type { IncrementResponse, Options, Store } from "express-rate-limit";
import { sql, type Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";

/**
 * express-rate-limit's store on the shared database (table `rate_limit_hit`, database time), so replicas count
 * together: one upsert per request and limit. Used only on PostgreSQL (PGlite has one process; memory is enough).
 * Written here rather than taken from a package because the packages for PostgreSQL bring a pool and schema of their
 * own; this one uses the BFF's pool and migrations (ADR 012).
 */
export class DatabaseRateLimitStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private windowMs = 60_000;
  private readonly db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>, prefix: string) {
    this.db = db;
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(key: string): string {
    return `${this.prefix}${key}`;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const window = sql`(${String(this.windowMs)} || ' milliseconds')::interval`;
    const result = await sql<{ hits: number; reset_at: Date | string }>`
      insert into rate_limit_hit (key, hits, reset_at) values (${this.key(key)}, 1, clock_timestamp() + ${window})
      on conflict (key) do update set
        hits = case when rate_limit_hit.reset_at <= clock_timestamp() then 1 else rate_limit_hit.hits + 1 end,
        reset_at = case when rate_limit_hit.reset_at <= clock_timestamp() then clock_timestamp() + ${window} else rate_limit_hit.reset_at end
      returning hits, reset_at`.execute(this.db);
    const row = result.rows[0];
    // Now and then, windows long over are dropped (keys of addresses seen once would otherwise stay).
    if (Math.random() < 0.01) await this.db.deleteFrom("rate_limit_hit").where("reset_at", "<", sql<Date>`clock_timestamp() - interval '1 hour'`).execute();
    return { totalHits: row?.hits ?? 1, resetTime: row === undefined ? undefined : new Date(row.reset_at) };
  }

  async decrement(key: string): Promise<void> {
    await this.db.updateTable("rate_limit_hit").set({ hits: sql<number>`greatest(hits - 1, 0)` }).where("key", "=", this.key(key)).execute();
  }

  async resetKey(key: string): Promise<void> {
    await this.db.deleteFrom("rate_limit_hit").where("key", "=", this.key(key)).execute();
  }
}
