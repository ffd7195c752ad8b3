import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Approvals and notifications.
 * - `jit_policy.approval` (the policy's approval rule, jsonb, null: none) and `break_glass`.
 * - `access_request`: a request that waits for approval (or was break-glass), and `access_request_decision`,
 *   one row per approver and request (the primary key refuses a second decision by the same person).
 * - `jit_grant.request_id`, `break_glass`, `requester_username` and `expiry_warned_at` (the 10-minute warning sent).
 * - `notification_subscription` (where to send what) and `notification_outbox`: deliveries written in the same
 *   transaction as the change they announce, claimed by the delivery job with a lease, retried with backoff.
 */
export const approvalsNotifications: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("jit_policy")
      .addColumn("approval", "jsonb")
      .execute();
    await db.schema
      .alterTable("jit_policy")
      .addColumn("break_glass", "boolean", (c) => c.notNull().defaultTo(false))
      .execute();

    await db.schema
      .createTable("access_request")
      .addColumn("id", "uuid", (c) => c.primaryKey())
      .addColumn("vm_id", "text", (c) => c.notNull())
      .addColumn("vm_name", "text", (c) => c.notNull())
      .addColumn("resource_group", "text", (c) => c.notNull())
      .addColumn("subscription_id", "text", (c) => c.notNull())
      .addColumn("requester_oid", "text", (c) => c.notNull())
      .addColumn("requester_name", "text", (c) => c.notNull())
      .addColumn("requester_username", "text", (c) => c.notNull())
      .addColumn("requester_ip", "text")
      .addColumn("ports", "jsonb", (c) => c.notNull())
      .addColumn("source_prefixes", "jsonb", (c) => c.notNull())
      .addColumn("duration_minutes", "integer", (c) => c.notNull())
      .addColumn("justification", "text")
      .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'opened', 'failed', 'denied', 'lapsed', 'cancelled')`))
      // The policy's approval rule when the request was made (who may approve, how many, the clock).
      .addColumn("approval", "jsonb", (c) => c.notNull())
      .addColumn("created_at", "timestamptz", (c) => c.notNull())
      .addColumn("expires_at", "timestamptz", (c) => c.notNull())
      .addColumn("decided_at", "timestamptz")
      .addColumn("break_glass", "boolean", (c) => c.notNull().defaultTo(false))
      .addColumn("reviewed_at", "timestamptz")
      .addColumn("reviewed_by_oid", "text")
      .addColumn("reviewed_by_name", "text")
      .addColumn("review_comment", "text")
      .addColumn("grant_id", "uuid")
      .addColumn("error", "text")
      .addColumn("correlation_id", "text")
      .addCheckConstraint("access_request_vm_id_lower", sql`vm_id = lower(vm_id)`)
      .execute();
    await db.schema.createIndex("access_request_status_expires_idx").on("access_request").columns(["status", "expires_at"]).execute();
    await db.schema.createIndex("access_request_requester_idx").on("access_request").columns(["requester_oid", "created_at"]).execute();

    await db.schema
      .createTable("access_request_decision")
      .addColumn("request_id", "uuid", (c) => c.notNull().references("access_request.id"))
      .addColumn("approver_oid", "text", (c) => c.notNull())
      .addColumn("approver_name", "text", (c) => c.notNull())
      .addColumn("decision", "text", (c) => c.notNull().check(sql`decision in ('approve', 'deny')`))
      .addColumn("comment", "text")
      .addColumn("at", "timestamptz", (c) => c.notNull())
      .addPrimaryKeyConstraint("access_request_decision_pk", ["request_id", "approver_oid"])
      .execute();

    await db.schema.alterTable("jit_grant").addColumn("request_id", "uuid").execute();
    await db.schema.alterTable("jit_grant").addColumn("break_glass", "boolean", (c) => c.notNull().defaultTo(false)).execute();
    await db.schema.alterTable("jit_grant").addColumn("requester_username", "text").execute();
    await db.schema.alterTable("jit_grant").addColumn("expiry_warned_at", "timestamptz").execute();

    await db.schema
      .createTable("notification_subscription")
      .addColumn("id", "uuid", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('webhook', 'teams', 'slack', 'email')`))
      // The URL (webhook, teams, slack) or the JSON array of e-mail addresses; never returned whole by the API.
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("secret", "text")
      // E-mail: also to the requester of the request the event is about.
      .addColumn("to_requester", "boolean", (c) => c.notNull().defaultTo(false))
      .addColumn("scope", "text", (c) => c.notNull())
      .addColumn("events", "jsonb", (c) => c.notNull())
      .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
      .addColumn("created_at", "timestamptz", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("notification_outbox")
      .addColumn("id", "uuid", (c) => c.primaryKey())
      .addColumn("subscription_id", "uuid")
      .addColumn("subscription_name", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      // Copied from the subscription (or the requester's address) when queued, so a delivery goes where it was meant to.
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("event", "text", (c) => c.notNull())
      .addColumn("vm_name", "text")
      .addColumn("payload", "jsonb", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'delivered', 'failed')`))
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_attempt_at", "timestamptz")
      .addColumn("last_status_code", "integer")
      .addColumn("last_error", "text")
      .addColumn("created_at", "timestamptz", (c) => c.notNull())
      .addColumn("delivered_at", "timestamptz")
      .addColumn("claimed_by", "text")
      .addColumn("lease_until", "timestamptz")
      .execute();
    await db.schema.createIndex("notification_outbox_due_idx").on("notification_outbox").columns(["status", "next_attempt_at"]).execute();
    await db.schema.createIndex("notification_outbox_created_idx").on("notification_outbox").columns(["created_at"]).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("notification_outbox").execute();
    await db.schema.dropTable("notification_subscription").execute();
    for (const column of ["expiry_warned_at", "requester_username", "break_glass", "request_id"]) await db.schema.alterTable("jit_grant").dropColumn(column).execute();
    await db.schema.dropTable("access_request_decision").execute();
    await db.schema.dropTable("access_request").execute();
    await db.schema.alterTable("jit_policy").dropColumn("break_glass").execute();
    await db.schema.alterTable("jit_policy").dropColumn("approval").execute();
  },
};
