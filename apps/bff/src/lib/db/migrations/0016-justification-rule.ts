import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * A policy's justification rule (issue 21): minimum length, pattern and hint, as JSON text; null: no rule beyond
 * `justification_required`. (The automatic approval rule lives inside the `approval` JSON, which needs no column.)
 */
export const justificationRule: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("jit_policy").addColumn("justification_rule", "text").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("jit_policy").dropColumn("justification_rule").execute();
  },
};
