import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Expiry shared by replicas (docs/decisions/018-expiry-shared-by-nsg-units.md): the work unit is one NSG and every
 * due grant with a rule in it. `expiry_unit` holds who works on an NSG now; `jit_grant.nsg_cleared` the NSGs a
 * closing grant's rules are already gone from (null: the grant is closed by its own operation, not by units).
 */
export const expiryUnits: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("jit_grant").addColumn("nsg_cleared", "jsonb").execute();
    await db.schema
      .createTable("expiry_unit")
      .addColumn("nsg_key", "text", (c) => c.primaryKey())
      .addColumn("claimed_by", "text", (c) => c.notNull())
      .addColumn("lease_until", "timestamptz", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("expiry_unit_claimed_by_idx").on("expiry_unit").column("claimed_by").execute();
    await sql`create index jit_grant_closing_idx on jit_grant (status) where status = 'closing'`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop index jit_grant_closing_idx`.execute(db);
    await db.schema.dropTable("expiry_unit").execute();
    await db.schema.alterTable("jit_grant").dropColumn("nsg_cleared").execute();
  },
};
