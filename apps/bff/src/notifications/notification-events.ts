import { notificationEventLabels, type NotificationEvent } from "@portcullis/contract";
import { z } from "zod";

/** What an outbox row announces: one of the contract's events, or a subscription's test message. */
export type OutboxEvent = NotificationEvent | "test";

/** Where the portal shows what a notification is about (appended to PUBLIC_URL when rendered). */
export type PortalPath = "/approvals" | "/my-access" | "/jit";

export interface PayloadPort {
  port: number;
  protocol: string;
}

/**
 * What a notification says, stored with the outbox row (jsonb) and rendered per channel at delivery. Only facts
 * the audit trail already holds; `justification` and `comment` are the requester's and approver's own words.
 */
export interface NotificationPayload {
  /** The audit event it announces; null for the expiry warning and tests (no audit event behind them). */
  auditEventId: string | null;
  action: string | null;
  occurredAt: string;
  outcome: "success" | "failure";
  actor: { oid: string; name: string };
  vmId: string | null;
  vmName: string | null;
  requestId?: string;
  grantId?: string;
  ports?: PayloadPort[];
  sources?: string[];
  durationMinutes?: number;
  justification?: string;
  requester?: { oid: string; name: string; username?: string };
  comment?: string;
  endsAt?: string;
  approvals?: number;
  required?: number;
  remaining?: number;
  error?: string;
  /** drift.found: what the reconciler found. */
  drift?: { kind: string; findings?: string[]; nsgName?: string; rules?: string[] };
  /** Test deliveries: the text to show. */
  message?: string;
  portalPath: PortalPath;
}

/** The audit event as the chain appended it (audit-events.ts passes these to `queueNotificationsForAudit`). */
export interface AppendedAuditEvent {
  id: string;
  at: Date;
  action: string;
  outcome: "success" | "failure";
  actor: { oid: string; name: string };
  vmId: string | null;
  vmName: string | null;
  details: Readonly<Record<string, unknown>>;
  error: string | null;
}

/** A notification to queue: the event, what it is about, and whom besides subscribers it concerns. */
export interface PendingNotification {
  event: NotificationEvent;
  /** Lower-cased VM id (scope matching); null matches only subscriptions at `/`. */
  vmId: string | null;
  vmName: string | null;
  payload: NotificationPayload;
  /** The requester's address when their user name is an e-mail address (subscriptions with `toRequester`). */
  requesterEmail: string | null;
}

export function eventLabel(event: OutboxEvent): string {
  return event === "test" ? "Test notification" : notificationEventLabels[event];
}

/** Audit actions that may notify: anything else is dismissed without a query (the audit benchmark appends a million events). */
const notifyingActions = new Set([
  "request.created",
  "request.approved",
  "request.denied",
  "request.lapsed",
  "request.cancelled",
  "request.break-glass",
  "request.opened",
  "request.failed",
  "request.expired",
  "request.revoked",
  "drift.found",
]);

export function mayNotify(action: string): boolean {
  return notifyingActions.has(action);
}

/**
 * The notification event an audit event announces, or null. Intermediate approvals (some remain), requests that
 * opened at once (`request.created` without approval: `request.opened` follows) and the expiry job's cleanup of
 * a failed opening (`request.failed` with `reason: OpenFailed`, after the first `request.failed`) notify nothing.
 */
export function notificationEventOf(event: Pick<AppendedAuditEvent, "action" | "outcome" | "details">): NotificationEvent | null {
  const { details } = event;
  switch (event.action) {
    case "request.created":
      return details["approvalRequired"] === true ? "request.pending-approval" : null;
    case "request.approved":
      return details["remaining"] === 0 ? "request.approved" : null;
    case "request.opened":
      return event.outcome === "success" ? "request.opened" : null;
    case "request.failed":
      return details["reason"] === "OpenFailed" ? null : "request.failed";
    case "request.denied":
    case "request.lapsed":
    case "request.cancelled":
    case "request.break-glass":
    case "request.expired":
    case "request.revoked":
    case "drift.found":
      return event.action;
    default:
      return null;
  }
}

const emailSchema = z.email();

/** The requester's user name when it is an e-mail address (Entra's `preferred_username` usually is). */
export function emailOf(username: string | null | undefined): string | null {
  if (username === undefined || username === null) return null;
  const trimmed = username.trim();
  return emailSchema.safeParse(trimmed).success ? trimmed.toLowerCase() : null;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

/** Ports as `{ port, protocol }` whether the details hold objects (`port` or `number`) or `"22/TCP"` strings. */
export function portsOf(value: unknown): PayloadPort[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((p): PayloadPort[] => {
    if (typeof p === "string") {
      const [port, protocol] = p.split("/");
      return Number.isInteger(Number(port)) ? [{ port: Number(port), protocol: protocol ?? "TCP" }] : [];
    }
    if (typeof p !== "object" || p === null) return [];
    const record = p as Record<string, unknown>;
    const port = count(record["port"]) ?? count(record["number"]);
    return port === undefined ? [] : [{ port, protocol: text(record["protocol"]) ?? "TCP" }];
  });
}

function requesterOf(value: unknown): NotificationPayload["requester"] {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const oid = text(record["oid"]);
  const name = text(record["name"]);
  if (oid === undefined || name === undefined) return undefined;
  const username = text(record["username"]);
  return { oid, name, ...(username === undefined ? {} : { username }) };
}

/** Drops the keys whose value is undefined (jsonb would drop them anyway; tests compare what is stored). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The payload facts an audit event's details hold (shared by the audit hook and the expiry warning). */
export function detailFacts(details: Readonly<Record<string, unknown>>): Omit<NotificationPayload, "auditEventId" | "action" | "occurredAt" | "outcome" | "actor" | "vmId" | "vmName" | "portalPath"> {
  const error = text(details["error"]);
  return defined({
    requestId: text(details["requestId"]),
    grantId: text(details["grantId"]),
    ports: portsOf(details["ports"]),
    sources: strings(details["sources"]),
    durationMinutes: count(details["durationMinutes"]),
    justification: text(details["justification"]),
    requester: requesterOf(details["requester"]),
    comment: text(details["comment"]),
    endsAt: text(details["endsAt"]),
    approvals: count(details["approvals"]),
    required: count(details["required"]),
    remaining: count(details["remaining"]),
    error,
  });
}

function driftOf(details: Readonly<Record<string, unknown>>): NotificationPayload["drift"] {
  return defined({ kind: text(details["kind"]) ?? "unknown", findings: strings(details["findings"]), nsgName: text(details["nsgName"]), rules: strings(details["rules"]) });
}

/** The notification an appended audit event announces, or null (see `notificationEventOf`). */
export function notificationFor(event: AppendedAuditEvent): PendingNotification | null {
  const kind = notificationEventOf(event);
  if (kind === null) return null;
  const facts = detailFacts(event.details);
  const error = facts.error ?? event.error ?? undefined;
  const payload: NotificationPayload = defined({
    auditEventId: event.id,
    action: event.action,
    occurredAt: event.at.toISOString(),
    outcome: event.outcome,
    actor: { oid: event.actor.oid, name: event.actor.name },
    vmId: event.vmId,
    vmName: event.vmName,
    ...facts,
    error,
    drift: kind === "drift.found" ? driftOf(event.details) : undefined,
    portalPath: kind === "request.pending-approval" ? "/approvals" : "/jit",
  });
  return { event: kind, vmId: event.vmId?.toLowerCase() ?? null, vmName: event.vmName, payload, requesterEmail: emailOf(facts.requester?.username) };
}
