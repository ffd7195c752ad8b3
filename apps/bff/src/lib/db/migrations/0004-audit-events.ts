import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * The audit trail: append-only. A trigger refuses UPDATE, DELETE and TRUNCATE, so even a bug or a stray
 * query in the BFF cannot rewrite history (a database owner still can; the tamper-evident chain comes later).
 */
export const auditEvents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("audit_event")
      .addColumn("id", "uuid", (c) => c.primaryKey())
      // Insertion order, which timestamps cannot give (events of one statement share \`now()\`).
      .addColumn("seq", "bigserial", (c) => c.notNull().unique())
      .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn("actor_oid", "text", (c) => c.notNull())
      .addColumn("actor_name", "text", (c) => c.notNull())
      .addColumn("actor_ip", "text")
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in ('success', 'failure')`))
      .addColumn("vm_id", "text")
      .addColumn("details", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn("error", "text")
      .addColumn("correlation_id", "text")
      .addCheckConstraint("audit_event_vm_id_lower", sql`vm_id is null or vm_id = lower(vm_id)`)
      .execute();
    await db.schema.createIndex("audit_event_vm_idx").on("audit_event").columns(["vm_id", "at"]).execute();
    await sql`
      create function audit_event_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end;
      $$`.execute(db);
    await sql`create trigger audit_event_no_update_delete before update or delete on audit_event
      for each row execute function audit_event_append_only()`.execute(db);
    await sql`create trigger audit_event_no_truncate before truncate on audit_event
      for each statement execute function audit_event_append_only()`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("audit_event").execute();
    await sql`drop function if exists audit_event_append_only()`.execute(db);
  },
};
