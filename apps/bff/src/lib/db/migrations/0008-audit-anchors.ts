import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/** 0006's delete rule: the prune setting alone let a row go. */
const pruneBySettingOnly = sql`
  create or replace function audit_event_append_only() returns trigger language plpgsql as $$
  begin
    if tg_op = 'DELETE' and current_setting('portcullis.audit_prune', true) = 'on' then
      return old;
    end if;
    raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
  end;
  $$`;

/**
 * The audit chain gets a key and anchors (docs/decisions/011-audit-anchor.md).
 * - `audit_event.key_id`: null for the events written so far (v1, SHA-256, never rewritten); the id of the audit
 *   key for every event from now on (v2, HMAC-SHA256).
 * - `audit_anchor`: signed (seq, hash, count, time) of the chain's head, written every minute while events are
 *   appended and at shutdown, so a cut tail is found. Append-only like the events; pruning deletes the anchors it
 *   passed with the events.
 * - The delete trigger now lets a row go under the prune setting only when a checkpoint covers it: pruning writes
 *   its checkpoint first, and anyone else who sets the setting must leave a checkpoint behind, which verification
 *   checks (a forged one fails its signature).
 * `if` is nested because `old` does not exist for TRUNCATE and plpgsql does not promise to short-circuit `and`.
 */
export const auditAnchors: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table audit_event add column key_id text`.execute(db);
    await sql`
      create or replace function audit_event_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' and current_setting('portcullis.audit_prune', true) = 'on' then
          if old.seq <= (select max(seq) from audit_checkpoint) then
            return old;
          end if;
        end if;
        raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end;
      $$`.execute(db);

    await db.schema
      .createTable("audit_anchor")
      .addColumn("id", "uuid", (c) => c.primaryKey())
      .addColumn("seq", "bigint", (c) => c.notNull().unique())
      .addColumn("hash", "text", (c) => c.notNull())
      .addColumn("count", "bigint", (c) => c.notNull())
      .addColumn("at", "timestamptz", (c) => c.notNull())
      .addColumn("key_id", "text", (c) => c.notNull())
      .addColumn("signature", "text", (c) => c.notNull())
      .execute();
    await sql`
      create function audit_anchor_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' and current_setting('portcullis.audit_prune', true) = 'on' then
          if old.seq <= (select max(seq) from audit_checkpoint) then
            return old;
          end if;
        end if;
        raise exception 'audit_anchor is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end;
      $$`.execute(db);
    await sql`create trigger audit_anchor_no_update_delete before update or delete on audit_anchor
      for each row execute function audit_anchor_append_only()`.execute(db);
    await sql`create trigger audit_anchor_no_truncate before truncate on audit_anchor
      for each statement execute function audit_anchor_append_only()`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("audit_anchor").execute();
    await sql`drop function if exists audit_anchor_append_only()`.execute(db);
    await pruneBySettingOnly.execute(db);
    await sql`alter table audit_event drop column key_id`.execute(db);
  },
};
