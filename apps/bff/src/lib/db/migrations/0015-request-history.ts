import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Request history imported from Defender for Cloud (`requests` of its JIT policies): kept read-only with the
 * policy (JSON array, one part per VM of each request) so the export writes it back.
 */
export const requestHistory: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("jit_policy").addColumn("request_history", "text", (c) => c.notNull().defaultTo("[]")).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("jit_policy").dropColumn("request_history").execute();
  },
};
