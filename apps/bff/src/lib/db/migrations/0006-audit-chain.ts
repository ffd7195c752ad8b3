import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import { hashEventV1 } from "../../audit/audit-chain.ts";

interface ExistingEvent {
  seq: string | number | bigint;
  id: string;
  at: Date;
  actor_oid: string;
  actor_name: string;
  actor_ip: string | null;
  action: string;
  outcome: string;
  vm_id: string | null;
  details: unknown;
  error: string | null;
  correlation_id: string | null;
}

/** Chains the events written before this migration, oldest first, so verification covers them too. */
async function hashExistingEvents(db: Kysely<unknown>): Promise<void> {
  await sql`alter table audit_event disable trigger audit_event_no_update_delete`.execute(db);
  // Times are kept to the millisecond from now on (what the hash and the paging cursors carry).
  await sql`update audit_event set at = date_trunc('milliseconds', at)`.execute(db);
  const { rows } = await sql<ExistingEvent>`select * from audit_event order by seq`.execute(db);
  let prevHash: string | null = null;
  for (const row of rows) {
    const details = typeof row.details === "string" ? (JSON.parse(row.details) as unknown) : row.details;
    const hash = hashEventV1({
      seq: row.seq,
      id: row.id,
      at: new Date(row.at),
      actorOid: row.actor_oid,
      actorName: row.actor_name,
      actorIp: row.actor_ip,
      action: row.action,
      outcome: row.outcome,
      vmId: row.vm_id,
      vmName: null,
      details,
      error: row.error,
      correlationId: row.correlation_id,
      prevHash,
    });
    await sql`update audit_event set prev_hash = ${prevHash}, hash = ${hash} where id = ${row.id}`.execute(db);
    prevHash = hash;
  }
  await sql`alter table audit_event enable trigger audit_event_no_update_delete`.execute(db);
}

/**
 * The audit trail becomes tamper-evident and prunable: a hash chain (prev_hash, hash), a signed checkpoint
 * table for pruning, a trigger that lets only pruning delete (inside a transaction that set
 * `portcullis.audit_prune` locally), and indexes for the activity log's newest-first pages.
 */
export const auditChain: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table audit_event add column vm_name text, add column prev_hash text, add column hash text`.execute(db);
    await hashExistingEvents(db);
    await sql`alter table audit_event alter column hash set not null`.execute(db);
    await sql`alter table audit_event add constraint audit_event_at_millis check (at = date_trunc('milliseconds', at))`.execute(db);
    // Free-text search over VM name, actor name and justification, as words of letters and digits (so
    // "vm-web-01" and "INC-4711" are phrases of words); derived from hashed columns, so not hashed itself.
    await sql`alter table audit_event add column search tsvector generated always as (
      to_tsvector('simple'::regconfig, regexp_replace(
        coalesce(vm_name, '') || ' ' || actor_name || ' ' || coalesce(details->>'justification', ''), '[^[:alnum:]]+', ' ', 'g'))
    ) stored`.execute(db);

    await sql`
      create or replace function audit_event_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' and current_setting('portcullis.audit_prune', true) = 'on' then
          return old;
        end if;
        raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end;
      $$`.execute(db);

    await db.schema
      .createTable("audit_checkpoint")
      .addColumn("id", "uuid", (c) => c.primaryKey())
      .addColumn("seq", "bigint", (c) => c.notNull().unique())
      .addColumn("hash", "text", (c) => c.notNull())
      .addColumn("count", "bigint", (c) => c.notNull())
      .addColumn("at", "timestamptz", (c) => c.notNull())
      .addColumn("key_id", "text", (c) => c.notNull())
      .addColumn("signature", "text", (c) => c.notNull())
      .execute();
    await sql`
      create function audit_checkpoint_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_checkpoint is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end;
      $$`.execute(db);
    await sql`create trigger audit_checkpoint_no_update_delete before update or delete on audit_checkpoint
      for each row execute function audit_checkpoint_append_only()`.execute(db);
    await sql`create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
      for each statement execute function audit_checkpoint_append_only()`.execute(db);

    // Pages are newest first by (at, seq); each filter has an index that starts with it and ends in that order.
    await sql`drop index audit_event_vm_idx`.execute(db);
    await sql`create index audit_event_at_idx on audit_event (at, seq)`.execute(db);
    await sql`create index audit_event_vm_at_idx on audit_event (vm_id, at, seq)`.execute(db);
    await sql`create index audit_event_actor_at_idx on audit_event (actor_oid, at, seq)`.execute(db);
    await sql`create index audit_event_action_at_idx on audit_event (action, at, seq)`.execute(db);
    await sql`create index audit_event_correlation_idx on audit_event (correlation_id, seq) where correlation_id is not null`.execute(db);
    await sql`create index audit_event_search_idx on audit_event using gin (search)`.execute(db);
    // The Configured tab's figures: approved (opened) requests per VM.
    await sql`create index audit_event_opened_idx on audit_event (vm_id, at) where action = 'request.opened' and outcome = 'success'`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const index of ["at", "vm_at", "actor_at", "action_at", "correlation", "search", "opened"]) {
      await sql`drop index if exists ${sql.id(`audit_event_${index}_idx`)}`.execute(db);
    }
    await sql`create index audit_event_vm_idx on audit_event (vm_id, at)`.execute(db);
    await db.schema.dropTable("audit_checkpoint").execute();
    await sql`drop function if exists audit_checkpoint_append_only()`.execute(db);
    await sql`
      create or replace function audit_event_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end;
      $$`.execute(db);
    await sql`alter table audit_event drop constraint audit_event_at_millis`.execute(db);
    await sql`alter table audit_event drop column search, drop column hash, drop column prev_hash, drop column vm_name`.execute(db);
  },
};
