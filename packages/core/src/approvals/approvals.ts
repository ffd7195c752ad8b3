import type { ApprovalSettings } from "@portcullis/contract";
import { isoDurationMinutes } from "@portcullis/contract";
import type { GrantPort, JitProtocol } from "../planner/types.ts";
import { protocolsOverlap } from "../requests/supersede.ts";

/**
 * Approvals, pure: whether a request waits for approval, who may decide it, what a decision does, and when the
 * granted time starts. The BFF stores requests and decisions; everything it decides goes through here.
 */

/** A policy port as stored, with its approval switch (absent: follows the policy's approval rule). */
export interface ApprovalPort {
  port: number;
  protocol: JitProtocol;
  requireApproval?: boolean | undefined;
}

/**
 * Whether a request for `requested` waits for approval: the policy has an approval rule and at least one
 * requested port needs it (a port needs it unless its `requireApproval` is false). A request mixing ports
 * that need approval with ports that do not waits as a whole: it is one grant, opened at once or not at all.
 */
export function needsApproval(rule: ApprovalSettings | null | undefined, policyPorts: readonly ApprovalPort[], requested: readonly GrantPort[]): boolean {
  if (rule === null || rule === undefined) return false;
  return requested.some((want) =>
    policyPorts.some((port) => port.port === want.port && protocolsOverlap(port.protocol, want.protocol) && port.requireApproval !== false),
  );
}

/** Who is deciding: their identity from the token and whether they hold the Approver role (`jit.request.approve`) at the VM's scope. */
export interface Decider {
  oid: string;
  /** The token's `tid`. */
  tenantId: string;
  /** Group ids from the token, any case. */
  groups: readonly string[];
  holdsApproverRole: boolean;
}

/**
 * Whether `who` is in the approver set: a role holder (when the set admits them), a named user, or a member of a
 * named group. Named users match on the object id, and on the tenant too where the saved policy knows it; never on
 * a user name (mutable, and not unique across tenants). An entry that is not an object id (a name saved before
 * names were resolved) matches nobody.
 */
export function isInApproverSet(approvers: ApprovalSettings["approvers"], who: Decider): boolean {
  if (approvers.roleHolders && who.holdsApproverRole) return true;
  const oid = who.oid.toLowerCase();
  const tenant = who.tenantId.toLowerCase();
  const named = approvers.named?.find((entry) => entry.oid.toLowerCase() === oid);
  if (named !== undefined) {
    if (named.tenantId === null || named.tenantId.toLowerCase() === tenant) return true;
  } else if (approvers.users.some((user) => user.toLowerCase() === oid)) {
    return true;
  }
  const groups = new Set(who.groups.map((g) => g.toLowerCase()));
  return approvers.groups.some((group) => groups.has(group.toLowerCase()));
}

export type PendingStatus = "pending" | "opened" | "failed" | "denied" | "lapsed" | "cancelled";

/** What a decision needs to know about the request. */
export interface DecidableRequest {
  status: PendingStatus;
  requesterOid: string;
  expiresAt: Date;
  /** Decisions so far (one per approver). */
  decisions: ReadonlyArray<{ approverOid: string; decision: "approve" | "deny" }>;
  /** The approval rule as it was when the request was made. */
  rule: ApprovalSettings;
}

/**
 * Why a decision is refused: `conflict` (the request is no longer pending, has lapsed, or this person already
 * decided it: 409) or `forbidden` (own request, or not an approver: 403).
 */
export interface DecisionRefusal {
  kind: "conflict" | "forbidden";
  reason: "not-pending" | "lapsed" | "already-decided" | "own-request" | "not-approver";
  message: string;
}

const statusText: Record<Exclude<PendingStatus, "pending">, string> = {
  opened: "was already approved and opened",
  failed: "was approved but failed to open",
  denied: "was denied",
  lapsed: "has lapsed",
  cancelled: "was cancelled by the requester",
};

/** Whether `who` may approve or deny `request` now; null when they may, else why not (checked in this order). */
export function decisionRefusal(request: DecidableRequest, who: Decider, now: Date): DecisionRefusal | null {
  if (request.status !== "pending") return { kind: "conflict", reason: "not-pending", message: `The request ${statusText[request.status]}; it can no longer be approved or denied` };
  if (now.getTime() >= request.expiresAt.getTime()) return { kind: "conflict", reason: "lapsed", message: `The request lapsed at ${request.expiresAt.toISOString()}; it can no longer be approved or denied` };
  const oid = who.oid.toLowerCase();
  if (request.decisions.some((d) => d.approverOid.toLowerCase() === oid)) return { kind: "conflict", reason: "already-decided", message: "You already decided this request; each approver counts once" };
  if (request.requesterOid.toLowerCase() === oid && !request.rule.allowSelfApproval) return { kind: "forbidden", reason: "own-request", message: "You cannot approve or deny your own request: the policy does not allow self-approval" };
  if (!isInApproverSet(request.rule.approvers, who)) return { kind: "forbidden", reason: "not-approver", message: "You are not an approver for this VM's requests" };
  return null;
}

export interface Tally {
  approvals: number;
  required: number;
  /** Approvals still needed (0 when approved). */
  remaining: number;
  denied: boolean;
}

/** Distinct approvals so far against the rule; one denial ends the request. */
export function tallyDecisions(rule: ApprovalSettings, decisions: DecidableRequest["decisions"]): Tally {
  const approvers = new Set(decisions.filter((d) => d.decision === "approve").map((d) => d.approverOid.toLowerCase()));
  const denied = decisions.some((d) => d.decision === "deny");
  return { approvals: approvers.size, required: rule.requiredApprovals, remaining: Math.max(0, rule.requiredApprovals - approvers.size), denied };
}

/** The rule's longest wait in minutes. */
export function maxWaitMinutes(rule: ApprovalSettings): number {
  const minutes = isoDurationMinutes(rule.maxWait);
  if (minutes === null) throw new RangeError(`invalid maxWait ${rule.maxWait}`);
  return minutes;
}

/**
 * When a pending request lapses: `maxWait` after it was made; with the clock starting at the request, no later
 * than the end of the requested time (an approval after that would open nothing useful).
 */
export function requestLapsesAt(rule: ApprovalSettings, createdAt: Date, durationMinutes: number): Date {
  const wait = maxWaitMinutes(rule);
  const minutes = rule.clockStartsAt === "request" ? Math.min(wait, durationMinutes) : wait;
  return new Date(createdAt.getTime() + minutes * 60_000);
}

/**
 * The granted window once the last approval arrives: from `approvedAt` for the full duration (clock at
 * approval), or from the request for what remains of it (clock at request). Whole seconds, like every grant.
 * Null when nothing remains (at least one minute must).
 */
export function approvedGrantWindow(rule: ApprovalSettings, request: { createdAt: Date; durationMinutes: number }, approvedAt: Date): { startsAt: Date; endsAt: Date } | null {
  const second = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);
  const startsAt = second(approvedAt);
  if (rule.clockStartsAt === "approval") return { startsAt, endsAt: new Date(startsAt.getTime() + request.durationMinutes * 60_000) };
  const endsAt = second(new Date(request.createdAt.getTime() + request.durationMinutes * 60_000));
  if (endsAt.getTime() - startsAt.getTime() < 60_000) return null;
  return { startsAt, endsAt };
}
