/**
 * The audit trail (`audit_event`): append-only (triggers refuse UPDATE, DELETE and TRUNCATE; only retention
 * pruning may delete, see audit-retention.ts) and hash-chained with the audit key (audit-chain.ts). Write it only
 * through an `AuditRecorder` (the composition root makes one with the key and hands it to each component); the
 * activity log (src/activity) reads it.
 *
 * What each action's `details` holds is declared once, in the contract (`packages/contract/src/domain-events.ts`):
 * the recorder accepts only those domain events, and the notification mapping and the activity log read them by
 * name. The recorder adds `details.actorKind: "application"` when the actor is an application (an app-only token),
 * so it is covered by the event's hash. Subscribers (the notifications outbox) are registered by the composition
 * root and run in the appending transaction.
 * The Configured tab counts `request.opened` success events per VM (approved requests) and shows the latest one.
 *
 * Appending takes a transaction-level lock (chain order across replicas): call it last in a transaction
 * that also changes other rows, and never inside a REPEATABLE READ or SERIALIZABLE transaction.
 */
import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";
import { activityActions, payloadProblem, type ActivityAction, type DomainEvent, type EventDetailsInput } from "@portcullis/contract";
import { auditChainLockName, hashEvent, normaliseDetails } from "./audit-chain.ts";
import type { AuditSigningKey } from "./audit-signing.ts";

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

/** Who, when-independent facts of an event; `action` and its typed `details` come from the contract's domain events. */
export interface AuditEventFrame {
  actor: AuditActor;
  outcome: AuditOutcome;
  /** The VM the event is about (stored lower-cased), when it is about one. */
  vmId?: string | null;
  /** Why it failed, for failures. */
  error?: string | null;
  /** Ties the events of one request together (the request id). */
  correlationId?: string | null;
}

/**
 * An event to append: a domain event of the contract (`action` + its typed `details`: never secrets) with who did
 * it. Narrowing on `action` narrows `details`.
 */
export type AuditEventInput = AuditEventFrame & DomainEvent;

/** An event whose action is only known at run time (one of several a bulk operation records): typed by its action. */
export function auditEvent<A extends ActivityAction>(frame: AuditEventFrame, action: A, details: EventDetailsInput<A>): AuditEventInput {
  return { ...frame, action, details } as AuditEventInput;
}

/** An event as the chain appended it, handed to the subscribers in the appending transaction. */
export type AppendedAuditEvent = DomainEvent & {
  id: string;
  at: Date;
  outcome: AuditOutcome;
  actor: { oid: string; name: string };
  /** Lower-cased. */
  vmId: string | null;
  vmName: string | null;
  error: string | null;
};

/**
 * Runs last in the transaction that appends `events` (the notifications outbox: a notification commits exactly
 * when its event does). Registered by the composition root; lib/audit knows no component.
 */
export type AuditSubscriber = (trx: Db, events: readonly AppendedAuditEvent[]) => Promise<void>;

/** An event read back from the table: the payload as stored (parse it with the contract's `parseEventDetails`). */
export interface AuditEvent extends Required<AuditEventFrame> {
  id: string;
  seq: number;
  at: Date;
  action: AuditAction;
  vmName: string | null;
  details: Record<string, unknown>;
  hash: string;
}

type Db = Kysely<DatabaseSchema>;

const insertChunk = 500;

/** The VM's name: `details.vmName`, else the last segment of the id as the caller spelled it. */
function vmNameOf(event: AuditEventInput): string | null {
  const named = "vmName" in event.details ? event.details.vmName : undefined;
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

async function appendToChain(trx: Db, key: AuditSigningKey, events: readonly AuditEventInput[], subscribers: readonly AuditSubscriber[]): Promise<string[]> {
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
  if (subscribers.length > 0) {
    const appended = rows.map(
      (row, index): AppendedAuditEvent =>
        ({
          id: row.id,
          at,
          action: events[index]?.action,
          details: events[index]?.details,
          outcome: row.outcome,
          actor: { oid: row.actor_oid, name: row.actor_name },
          vmId: row.vm_id,
          vmName: row.vm_name,
          error: row.error,
        }) as AppendedAuditEvent,
    );
    for (const subscriber of subscribers) await subscriber(trx, appended);
  }
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

export interface AuditRecorderOptions {
  /** Run in the appending transaction, in order (the notifications outbox). */
  subscribers?: readonly AuditSubscriber[];
  /** Sees the events appended (metrics); inside a caller's transaction, before it commits. */
  observe?: (events: readonly AuditEventInput[]) => void;
  /**
   * Also check each payload against its action's schema at run time (undeclared keys included) and refuse one that
   * does not match. On under Vitest, so every event the suite writes is checked; off in production (the compiler
   * already holds producers to the schemas).
   */
  checkPayloads?: boolean;
}

export function createAuditRecorder(key: AuditSigningKey, options: AuditRecorderOptions = {}): AuditRecorder {
  const subscribers = options.subscribers ?? [];
  const checkPayloads = options.checkPayloads ?? process.env["VITEST"] !== undefined;
  const recordAll = async (db: Db, events: readonly AuditEventInput[]): Promise<string[]> => {
    if (events.length === 0) return [];
    if (checkPayloads) {
      for (const event of events) {
        const problem = payloadProblem(event.action, event.details);
        if (problem !== null) throw new Error(`An audit event's payload is not its action's declared one: ${problem}`);
      }
    }
    const ids = db.isTransaction ? await appendToChain(db, key, events, subscribers) : await db.transaction().execute((trx) => appendToChain(trx, key, events, subscribers));
    options.observe?.(events);
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
