import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Where a policy's rules live: the VM's region (Defender groups policies by resource group and region) and
 * the NSGs written when it was last saved, so a VM that moved or was deleted can still be cleaned up.
 */
export const policyPlacement: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("jit_policy")
      .addColumn("location", "text", (c) => c.notNull().defaultTo(""))
      .execute();
    await db.schema
      .alterTable("jit_policy")
      .addColumn("nsg_ids", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("jit_policy").dropColumn("nsg_ids").execute();
    await db.schema.alterTable("jit_policy").dropColumn("location").execute();
  },
};
