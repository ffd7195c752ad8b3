import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Access grants and their schedule. A grant row is written (status `opening`) before its Allow rules are, so
 * no rule exists without a row that says when it closes; `ends_at`, `next_attempt_at` and the lease
 * (`claimed_by`, `lease_until`) are what the expiry job claims by, exactly once across replicas.
 * Also: the policy's "justification required" flag, and the drift the reconciler found per VM.
 */
export const accessGrants: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("jit_grant")
      .addColumn("id", "uuid", (c) => c.primaryKey())
      .addColumn("vm_id", "text", (c) => c.notNull())
      .addColumn("vm_name", "text", (c) => c.notNull())
      .addColumn("resource_group", "text", (c) => c.notNull())
      .addColumn("subscription_id", "text", (c) => c.notNull())
      .addColumn("requester_oid", "text", (c) => c.notNull())
      .addColumn("requester_name", "text", (c) => c.notNull())
      .addColumn("requester_ip", "text")
      .addColumn("ports", "jsonb", (c) => c.notNull())
      .addColumn("source_prefixes", "jsonb", (c) => c.notNull())
      .addColumn("justification", "text")
      .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('opening', 'open', 'closing', 'closed', 'failed')`))
      .addColumn("status_reason", "text")
      .addColumn("created_at", "timestamptz", (c) => c.notNull())
      .addColumn("starts_at", "timestamptz", (c) => c.notNull())
      .addColumn("ends_at", "timestamptz", (c) => c.notNull())
      .addColumn("closed_at", "timestamptz")
      .addColumn("close_attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_attempt_at", "timestamptz")
      .addColumn("last_error", "text")
      .addColumn("nsg_ids", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn("correlation_id", "text")
      // Which process works on the row now, and until when; a lease past its end may be taken over.
      .addColumn("claimed_by", "text")
      .addColumn("lease_until", "timestamptz")
      // For the connect details: the VM's private addresses, OS and admin user when the grant opened.
      .addColumn("private_ips", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn("os_type", "text")
      .addColumn("admin_username", "text")
      .addCheckConstraint("jit_grant_vm_id_lower", sql`vm_id = lower(vm_id)`)
      .execute();
    await db.schema.createIndex("jit_grant_status_ends_idx").on("jit_grant").columns(["status", "ends_at"]).execute();
    await db.schema.createIndex("jit_grant_requester_idx").on("jit_grant").columns(["requester_oid", "created_at"]).execute();
    await db.schema.createIndex("jit_grant_vm_idx").on("jit_grant").columns(["vm_id", "status"]).execute();

    await db.schema
      .alterTable("jit_policy")
      .addColumn("justification_required", "boolean", (c) => c.notNull().defaultTo(false))
      .execute();

    await db.schema
      .createTable("vm_drift")
      .addColumn("vm_id", "text", (c) => c.primaryKey())
      .addColumn("detected_at", "timestamptz", (c) => c.notNull())
      .addColumn("findings", "jsonb", (c) => c.notNull())
      .addCheckConstraint("vm_drift_vm_id_lower", sql`vm_id = lower(vm_id)`)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("vm_drift").execute();
    await db.schema.alterTable("jit_policy").dropColumn("justification_required").execute();
    await db.schema.dropTable("jit_grant").execute();
  },
};
