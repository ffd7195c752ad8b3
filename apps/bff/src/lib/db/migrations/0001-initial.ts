import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/** The JIT policy table; the inventory reads which VMs have one, the policy feature writes it. */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("jit_policy")
      .addColumn("vm_id", "text", (c) => c.primaryKey())
      .addColumn("subscription_id", "text", (c) => c.notNull())
      .addColumn("resource_group", "text", (c) => c.notNull())
      .addColumn("vm_name", "text", (c) => c.notNull())
      .addColumn("rules", "jsonb", (c) => c.notNull())
      .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn("updated_by", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
      .addCheckConstraint("jit_policy_vm_id_lower", sql`vm_id = lower(vm_id)`)
      .execute();
    await db.schema.createIndex("jit_policy_subscription_idx").on("jit_policy").column("subscription_id").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("jit_policy").execute();
  },
};
