import { notificationEventLabels, type AccessEventFacts, type DomainEvent, type EventDetailsInput, type EventPort, type NotificationEvent } from "@portcullis/contract";
import { z } from "zod";
import type { AppendedAuditEvent } from "../lib/audit/audit-events.ts";

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

/** What the decision reads: the domain event (narrowing on `action` narrows `details`) and its outcome. */
type NotifiableEvent = DomainEvent & { outcome: "success" | "failure" };

/**
 * The notification event an audit event announces, or null. Intermediate approvals (some remain), requests that
 * opened at once (`request.created` without approval: `request.opened` follows) and the expiry job's cleanup of
 * a failed opening (`request.failed` with `reason: OpenFailed`, after the first `request.failed`) notify nothing.
 * Exhaustive over the contract's actions: a new action fails the typecheck here until it is decided.
 */
export function notificationEventOf(event: NotifiableEvent): NotificationEvent | null {
  switch (event.action) {
    case "request.created":
      return event.details.approvalRequired === true ? "request.pending-approval" : null;
    case "request.approved":
      return event.details.remaining === 0 ? "request.approved" : null;
    case "request.opened":
      return event.outcome === "success" ? "request.opened" : null;
    case "request.failed":
      return event.details.reason === "OpenFailed" ? null : "request.failed";
    case "request.denied":
    case "request.lapsed":
    case "request.cancelled":
    case "request.break-glass":
    case "request.expired":
    case "request.revoked":
    case "drift.found":
      return event.action;
    case "policy.enabled":
    case "policy.edited":
    case "policy.removed":
    case "policy.imported":
    case "request.superseded":
    case "request.extended":
    case "request.close-retried":
    case "request.break-glass-reviewed":
    case "drift.repaired":
    case "rbac.assignment-added":
    case "rbac.assignment-removed":
    case "notification.subscription-added":
    case "notification.subscription-changed":
    case "notification.subscription-removed":
    case "notification.failed":
    case "access.denied":
      return null;
    default:
      return unknownAction(event);
  }
}

function unknownAction(event: never): never {
  throw new Error(`no notification decision for the audit action ${(event as { action: string }).action}`);
}

const emailSchema = z.email();

/** The requester's user name when it is an e-mail address (Entra's `preferred_username` usually is). */
export function emailOf(username: string | null | undefined): string | null {
  if (username === undefined || username === null) return null;
  const trimmed = username.trim();
  return emailSchema.safeParse(trimmed).success ? trimmed.toLowerCase() : null;
}

/** Text worth showing: absent for missing or empty strings. */
function text(value: string | null | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Ports as `{ port, protocol }`; a port whose request named no protocol is TCP. */
function payloadPorts(ports: readonly EventPort[]): PayloadPort[] {
  return ports.map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP" }));
}

function requesterOf(requester: AccessEventFacts["requester"]): NotificationPayload["requester"] {
  if (requester === undefined) return undefined;
  const oid = text(requester.oid);
  const name = text(requester.name);
  if (oid === undefined || name === undefined) return undefined;
  const username = text(requester.username);
  return { oid, name, ...(username === undefined ? {} : { username }) };
}

/** Drops the keys whose value is undefined (jsonb would drop them anyway; tests compare what is stored). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Access events (requests and grants): the ones whose payload carries the access's facts. */
type AccessEvent = Extract<NotifiableEvent, { action: `request.${string}` }>;

function isAccessEvent(event: NotifiableEvent): event is AccessEvent {
  return event.action.startsWith("request.");
}

/** The payload facts of an access (shared by the audit subscriber and the expiry warning). */
export function detailFacts(details: Partial<AccessEventFacts> & { approvals?: number; required?: number; remaining?: number }): Omit<NotificationPayload, "auditEventId" | "action" | "occurredAt" | "outcome" | "actor" | "vmId" | "vmName" | "portalPath"> {
  return defined({
    requestId: text(details.requestId),
    grantId: text(details.grantId),
    ports: details.ports === undefined ? undefined : payloadPorts(details.ports),
    sources: details.sources === undefined ? undefined : [...details.sources],
    durationMinutes: details.durationMinutes,
    justification: text(details.justification),
    requester: requesterOf(details.requester),
    comment: text(details.comment),
    endsAt: text(details.endsAt),
    approvals: details.approvals,
    required: details.required,
    remaining: details.remaining,
  });
}

function driftOf(details: EventDetailsInput<"drift.found">): NotificationPayload["drift"] {
  const rules = details.rules?.filter((r): r is string => typeof r === "string");
  return defined({ kind: text(details.kind) ?? "unknown", findings: details.findings, nsgName: text(details.nsgName), rules });
}

/** The notification an appended audit event announces, or null (see `notificationEventOf`). */
export function notificationFor(event: AppendedAuditEvent): PendingNotification | null {
  const kind = notificationEventOf(event);
  if (kind === null) return null;
  const facts = isAccessEvent(event) ? detailFacts(event.details) : {};
  const error = event.error ?? undefined;
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
    drift: event.action === "drift.found" ? driftOf(event.details) : undefined,
    portalPath: kind === "request.pending-approval" ? "/approvals" : "/jit",
  });
  return { event: kind, vmId: event.vmId?.toLowerCase() ?? null, vmName: event.vmName, payload, requesterEmail: emailOf(facts.requester?.username) };
}
