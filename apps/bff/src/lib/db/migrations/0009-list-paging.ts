import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * The grant and access-request lists are keyset-paged newest first by `(created_at, id)` and authorized in the
 * query (the caller's scopes as a filter on `vm_id`), so a page reads these indexes in order instead of sorting every
 * row that passes the filter. Pending approvals read the pending rows only.
 */
export const listPaging: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex("jit_grant_created_idx").on("jit_grant").columns(["created_at", "id"]).execute();
    await db.schema.createIndex("access_request_created_idx").on("access_request").columns(["created_at", "id"]).execute();
    await db.schema.createIndex("access_request_status_created_idx").on("access_request").columns(["status", "created_at", "id"]).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("access_request_status_created_idx").execute();
    await db.schema.dropIndex("access_request_created_idx").execute();
    await db.schema.dropIndex("jit_grant_created_idx").execute();
  },
};
