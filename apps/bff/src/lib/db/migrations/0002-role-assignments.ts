import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/** Scoped role assignments, managed by Admins; tenant-wide roles come from the token's `roles` claim instead. */
export const roleAssignments: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("role_assignment")
      .addColumn("id", "uuid", (c) => c.primaryKey())
      .addColumn("principal_type", "text", (c) => c.notNull().check(sql`principal_type in ('user', 'group')`))
      .addColumn("principal_id", "text", (c) => c.notNull())
      .addColumn("principal_name", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('Admin', 'Requester', 'Approver', 'Auditor')`))
      .addColumn("scope", "text", (c) => c.notNull())
      .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn("created_by_oid", "text", (c) => c.notNull())
      .addColumn("created_by_name", "text", (c) => c.notNull())
      // Scopes and principal ids compare case-insensitively; storing them lower-cased keeps that an equality.
      .addCheckConstraint("role_assignment_scope_lower", sql`scope = lower(scope)`)
      .addCheckConstraint("role_assignment_principal_id_lower", sql`principal_id = lower(principal_id)`)
      .addUniqueConstraint("role_assignment_unique", ["principal_type", "principal_id", "role", "scope"])
      .execute();
    await db.schema.createIndex("role_assignment_principal_idx").on("role_assignment").column("principal_id").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("role_assignment").execute();
  },
};
