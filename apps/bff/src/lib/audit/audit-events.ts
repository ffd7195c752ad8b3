import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";

/** What happened. Features add their actions here, so the activity log can list every kind. */
export const auditActions = [
  "policy.enabled",
  "policy.edited",
  "policy.removed",
  "policy.imported",
  "request.created",
  "request.approved",
  "request.denied",
  "request.opened",
  "request.failed",
  "request.superseded",
  "request.extended",
  "request.revoked",
  "request.expired",
  "request.close-retried",
  "drift.found",
  "drift.repaired",
  "rbac.assignment-added",
  "rbac.assignment-removed",
] as const;
export type AuditAction = (typeof auditActions)[number];

export type AuditOutcome = "success" | "failure";

/** Who did it: the signed-in principal and the address the request came from (through trusted proxies). */
export interface AuditActor {
  oid: string;
  name: string;
  ip: string | null;
}

export interface AuditEventInput {
  actor: AuditActor;
  action: AuditAction;
  outcome: AuditOutcome;
  /** The VM the event is about (stored lower-cased), when it is about one. */
  vmId?: string | null;
  /** What changed (ports, versions, NSG changes); never secrets. */
  details?: Record<string, unknown>;
  /** Why it failed, for failures. */
  error?: string | null;
  /** Ties the events of one request together (the request id). */
  correlationId?: string | null;
}

export interface AuditEvent extends Required<Omit<AuditEventInput, "details">> {
  id: string;
  at: Date;
  details: Record<string, unknown>;
}

function toRow(event: AuditEventInput) {
  return {
    id: randomUUID(),
    actor_oid: event.actor.oid,
    actor_name: event.actor.name,
    actor_ip: event.actor.ip,
    action: event.action,
    outcome: event.outcome,
    vm_id: event.vmId?.toLowerCase() ?? null,
    details: JSON.stringify(event.details ?? {}),
    error: event.error ?? null,
    correlation_id: event.correlationId ?? null,
  };
}

/** Appends one event; the table refuses updates and deletes. Returns the event's id. */
export async function recordAuditEvent(db: Kysely<DatabaseSchema>, event: AuditEventInput): Promise<string> {
  const [id] = await recordAuditEvents(db, [event]);
  return id as string;
}

/** Appends several events in one statement (one per VM of a bulk operation). */
export async function recordAuditEvents(db: Kysely<DatabaseSchema>, events: readonly AuditEventInput[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map(toRow);
  await db.insertInto("audit_event").values(rows).execute();
  return rows.map((row) => row.id);
}

/** Events, oldest first, optionally of one VM or one request. */
export async function listAuditEvents(db: Kysely<DatabaseSchema>, filter: { vmId?: string; correlationId?: string } = {}): Promise<AuditEvent[]> {
  let query = db.selectFrom("audit_event").selectAll();
  if (filter.vmId !== undefined) query = query.where("vm_id", "=", filter.vmId.toLowerCase());
  if (filter.correlationId !== undefined) query = query.where("correlation_id", "=", filter.correlationId);
  const rows = await query.orderBy("seq").execute();
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: { oid: row.actor_oid, name: row.actor_name, ip: row.actor_ip },
    action: row.action as AuditAction,
    outcome: row.outcome,
    vmId: row.vm_id,
    details: (typeof row.details === "string" ? JSON.parse(row.details) : row.details) as Record<string, unknown>,
    error: row.error,
    correlationId: row.correlation_id,
  }));
}
