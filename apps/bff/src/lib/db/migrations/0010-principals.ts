import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * The last claims Portcullis saw for each principal (users, and applications later): what re-authorizing a
 * requester who is not the caller needs (an approver's approval, a scheduled start), and what the directory
 * resolves approver names against. Written when someone signs in or files a request; never holds a token.
 */
export const principals: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("principal")
      .addColumn("oid", "text", (c) => c.primaryKey())
      .addColumn("tenant_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("username", "text", (c) => c.notNull())
      .addColumn("tenant_roles", "jsonb", (c) => c.notNull())
      .addColumn("groups", "jsonb", (c) => c.notNull())
      .addColumn("seen_at", "timestamptz", (c) => c.notNull())
      .addCheckConstraint("principal_oid_lower", sql`oid = lower(oid)`)
      .execute();
    await db.schema.createIndex("principal_username_idx").on("principal").expression(sql`lower(username)`).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("principal").execute();
  },
};
