import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * `jit_grant.revoke_requested`: a revocation that could not close the grant at once (it was still opening, or an
 * extension or another close held it) is kept on the row, so whoever closes it next (this process or another
 * replica) closes it as revoked, with the revoker as actor, as soon as it is free.
 */
export const revokeRequested: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("jit_grant").addColumn("revoke_requested", "jsonb").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("jit_grant").dropColumn("revoke_requested").execute();
  },
};
