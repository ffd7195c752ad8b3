import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * "End live sessions when access ends": a policy may set its NSGs' flushConnection; `flush_previous` records the
 * value each NSG had before (JSON object, lower-cased NSG id -> boolean), so removing the policy restores it.
 */
export const endLiveSessions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("jit_policy").addColumn("end_live_sessions", "boolean", (c) => c.notNull().defaultTo(false)).execute();
    await db.schema.alterTable("jit_policy").addColumn("flush_previous", "text", (c) => c.notNull().defaultTo("{}")).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("jit_policy").dropColumn("flush_previous").execute();
    await db.schema.alterTable("jit_policy").dropColumn("end_live_sessions").execute();
  },
};
