/**
 * The audit trail (`audit_event`): append-only (triggers refuse UPDATE, DELETE and TRUNCATE; only retention
 * pruning may delete, see audit-retention.ts) and hash-chained with the audit key (audit-chain.ts). Write it only
 * through an `AuditRecorder` (the composition root makes one with the key and hands it to each component); the
 * activity log (src/activity) reads it.
 *
 * `details` keys the activity log reads (write them when the event has them; any other key is kept and shown
 * as JSON in the event's detail view):
 * - `details.vmName`: the VM's name as Azure spells it (otherwise the last segment of `vmId` as passed in).
 * - `details.ports`: array of `"22/TCP"` strings (objects `{ port, protocol }` or `{ number, protocol }` are read too).
 * - `details.sources`: array of source addresses/CIDRs (e.g. `["203.0.113.7/32"]`).
 * - `details.durationMinutes`: number, the access duration asked for or granted.
 * - `details.justification`: string, the requester's words (shown as text, never as HTML).
 * - `details.requester`: `{ oid, name }`, when the actor is not the person the access is for (an approver or the
 *   scheduler opening it); the Configured tab's "last user" takes `requester.name` over the actor's name.
 * - `details.actorKind`: `"application"` when the actor is an application (an app-only token); written by the
 *   recorder from `actor.kind`, so it is covered by the event's hash. Absent for people.
 * The Configured tab counts `request.opened` success events per VM (approved requests) and shows the latest one.
 *
 * Appending takes a transaction-level lock (chain order across replicas): call it last in a transaction
 * that also changes other rows, and never inside a REPEATABLE READ or SERIALIZABLE transaction.
 */
import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";
import { activityActions } from "@portcullis/contract";
import { auditChainLockName, hashEvent, normaliseDetails } from "./audit-chain.ts";
import type { AuditSigningKey } from "./audit-signing.ts";
// The one lib -> component import left: issue 15 (typed domain events) turns it into a subscriber registered at start-up.
// eslint-disable-next-line import-x/no-restricted-paths -- known exception, removed by issue 15 part 1
import { queueNotificationsForAudit } from "../../notifications/queue.ts";

/** What happened: the contract's list, so the API, the activity log's filters and the recorder agree. */
export const auditActions = activityActions;
export type AuditAction = (typeof auditActions)[number];

export type AuditOutcome = "success" | "failure";

/** Who did it: the signed-in principal and the address the request came from (through trusted proxies). */
export interface AuditActor {
  oid: string;
  name: string;
  ip: string | null;
  /** An application (app-only token) rather than a person; recorded as `details.actorKind`. */
  kind?: "user" | "application";
}

/** The actor of a caller (a principal, or a request service's caller), kind included. */
export function auditActorOf(who: { oid: string; name: string; ip: string | null; kind?: "user" | "application" }): AuditActor {
  return { oid: who.oid, name: who.name, ip: who.ip, ...(who.kind === "application" ? { kind: "application" as const } : {}) };
}

export interface AuditEventInput {
  actor: AuditActor;
  action: AuditAction;
  outcome: AuditOutcome;
  /** The VM the event is about (stored lower-cased), when it is about one. */
  vmId?: string | null;
  /** What changed (ports, versions, NSG changes); never secrets. Keys the activity log reads: see the top of this file. */
  details?: Record<string, unknown>;
  /** Why it failed, for failures. */
  error?: string | null;
  /** Ties the events of one request together (the request id). */
  correlationId?: string | null;
}

export interface AuditEvent extends Required<Omit<AuditEventInput, "details">> {
  id: string;
  seq: number;
  at: Date;
  vmName: string | null;
  details: Record<string, unknown>;
  hash: string;
}

type Db = Kysely<DatabaseSchema>;

const insertChunk = 500;

/** The VM's name: `details.vmName`, else the last segment of the id as the caller spelled it. */
function vmNameOf(event: AuditEventInput): string | null {
  const named = event.details?.["vmName"];
  if (typeof named === "string" && named !== "") return named;
  if (event.vmId === undefined || event.vmId === null) return null;
  return event.vmId.split("/").filter((s) => s !== "").at(-1) ?? null;
}

/** The hash the next event links to: the last event's, or after pruning emptied the table, the last checkpoint's. */
async function chainHead(trx: Db): Promise<{ hash: string | null; at: Date | null }> {
  const last = await trx.selectFrom("audit_event").select(["hash", "at"]).orderBy("seq", "desc").limit(1).executeTakeFirst();
  if (last !== undefined) return { hash: last.hash, at: new Date(last.at) };
  const checkpoint = await trx.selectFrom("audit_checkpoint").select("hash").orderBy("seq", "desc").limit(1).executeTakeFirst();
  return { hash: checkpoint?.hash ?? null, at: null };
}

async function appendToChain(trx: Db, key: AuditSigningKey, events: readonly AuditEventInput[]): Promise<string[]> {
  // One appender at a time (per database): the head read below is then the head the new events link to.
  await sql`select pg_advisory_xact_lock(hashtextextended(${auditChainLockName}, 0))`.execute(trx);
  const head = await chainHead(trx);
  const { rows: clock } = await sql<{ now: Date }>`select date_trunc('milliseconds', clock_timestamp()) as now`.execute(trx);
  const now = new Date(clock[0]?.now ?? Date.now());
  // Times never go backwards along the chain, so newest-first by time is newest-first by sequence.
  const at = head.at !== null && head.at > now ? head.at : now;
  const { rows: seqRows } = await sql<{ seq: string | number | bigint }>`
    select nextval(pg_get_serial_sequence('audit_event', 'seq')) as seq from generate_series(1, ${events.length})`.execute(trx);
  const seqs = seqRows.map((r) => BigInt(r.seq)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let prevHash = head.hash;
  const rows = events.map((event, index) => {
    const content = {
      seq: String(seqs[index]),
      id: randomUUID(),
      at,
      actorOid: event.actor.oid,
      actorName: event.actor.name,
      actorIp: event.actor.ip,
      action: event.action,
      outcome: event.outcome,
      vmId: event.vmId?.toLowerCase() ?? null,
      vmName: vmNameOf(event),
      details: normaliseDetails(event.actor.kind === "application" ? { ...event.details, actorKind: "application" } : event.details),
      error: event.error ?? null,
      correlationId: event.correlationId ?? null,
      prevHash,
      keyId: key.keyId,
    };
    const hash = hashEvent(content, key);
    prevHash = hash;
    return {
      seq: content.seq,
      id: content.id,
      at: content.at,
      actor_oid: content.actorOid,
      actor_name: content.actorName,
      actor_ip: content.actorIp,
      action: content.action,
      outcome: content.outcome,
      vm_id: content.vmId,
      vm_name: content.vmName,
      details: JSON.stringify(content.details),
      error: content.error,
      correlation_id: content.correlationId,
      prev_hash: content.prevHash,
      hash,
      key_id: content.keyId,
    };
  });
  // Bounded statements: PostgreSQL takes at most 65,535 parameters, and PGlite fails well before that.
  for (let start = 0; start < rows.length; start += insertChunk) await trx.insertInto("audit_event").values(rows.slice(start, start + insertChunk)).execute();
  // The transactional outbox: notifications commit with the events they announce (no query for events that notify nothing).
  await queueNotificationsForAudit(
    trx,
    rows.map((row, index) => ({
      id: row.id,
      at,
      action: row.action,
      outcome: row.outcome,
      actor: { oid: row.actor_oid, name: row.actor_name },
      vmId: row.vm_id,
      vmName: row.vm_name,
      details: events[index]?.details ?? {},
      error: row.error,
    })),
  );
  return rows.map((row) => row.id);
}

/** The one way to append to the audit trail: every event it writes is hashed with the audit key (v2). */
export interface AuditRecorder {
  /** Appends one event; the table refuses updates and deletes. Returns the event's id. */
  record(db: Db, event: AuditEventInput): Promise<string>;
  /**
   * Appends several events (one per VM of a bulk operation) to the chain, in order. Inside a transaction they
   * commit with it; otherwise in a transaction of their own.
   */
  recordAll(db: Db, events: readonly AuditEventInput[]): Promise<string[]>;
}

/** `observe` sees the events appended (metrics); inside a caller's transaction, before it commits. */
export function createAuditRecorder(key: AuditSigningKey, observe?: (events: readonly AuditEventInput[]) => void): AuditRecorder {
  const recordAll = async (db: Db, events: readonly AuditEventInput[]): Promise<string[]> => {
    if (events.length === 0) return [];
    const ids = db.isTransaction ? await appendToChain(db, key, events) : await db.transaction().execute((trx) => appendToChain(trx, key, events));
    observe?.(events);
    return ids;
  };
  return {
    recordAll,
    async record(db, event) {
      const [id] = await recordAll(db, [event]);
      return id as string;
    },
  };
}

/** jsonb comes back parsed from PostgreSQL and PGlite alike; a string (older driver) is parsed here. */
export function detailsOf(value: unknown): Record<string, unknown> {
  const parsed = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

/** Events, oldest first, optionally of one VM or one request. */
export async function listAuditEvents(db: Db, filter: { vmId?: string; correlationId?: string } = {}): Promise<AuditEvent[]> {
  let query = db.selectFrom("audit_event").selectAll();
  if (filter.vmId !== undefined) query = query.where("vm_id", "=", filter.vmId.toLowerCase());
  if (filter.correlationId !== undefined) query = query.where("correlation_id", "=", filter.correlationId);
  const rows = await query.orderBy("seq").execute();
  return rows.map((row) => ({
    id: row.id,
    seq: Number(row.seq),
    at: new Date(row.at),
    actor: { oid: row.actor_oid, name: row.actor_name, ip: row.actor_ip },
    action: row.action as AuditAction,
    outcome: row.outcome,
    vmId: row.vm_id,
    vmName: row.vm_name,
    details: detailsOf(row.details),
    error: row.error,
    correlationId: row.correlation_id,
    hash: row.hash,
  }));
}
