import type { AccessEventFacts, AccessRequest } from "@portcullis/contract";
import { decisionRefusal, isInApproverSet, tallyDecisions, type Decider } from "@portcullis/core";
import { grantVmId } from "../requests/grant-record.ts";
import type { Caller } from "../lib/auth/caller.ts";
import type { AccessRequestRecord } from "./repository.ts";

/* Who may see, decide and review an access request, and how it looks to one caller. Pure: no storage. */

export function deciderOf(caller: Caller, vmId: string): Decider {
  const principal = caller.access.principal;
  return { oid: caller.oid, tenantId: principal.tenantId, groups: principal.groups, holdsApproverRole: caller.access.has("jit.request.approve", vmId) };
}

/** The facts every audit event about an access request carries (the contract's domain events), plus `extra`. */
export function requestDetails(record: AccessRequestRecord, extra: Partial<AccessEventFacts> = {}): AccessEventFacts {
  return {
    requestId: record.id,
    vmName: record.vmName,
    ports: record.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
    sources: [...record.sourcePrefixes],
    durationMinutes: record.durationMinutes,
    ...(record.justification === null ? {} : { justification: record.justification }),
    requester: { oid: record.requesterOid, name: record.requesterName, username: record.requesterUsername },
    ...extra,
  };
}

/** Whether the caller may see the request: its requester, someone who may decide it, or an admin of the VM. */
export function canSee(record: AccessRequestRecord, caller: Caller): boolean {
  if (record.requesterOid === caller.oid) return true;
  if (caller.access.has("jit.request.revoke.any", record.vmId)) return true;
  return isInApproverSet(record.approval.approvers, deciderOf(caller, record.vmId)) || (record.breakGlass && caller.access.has("jit.request.approve", record.vmId));
}

export function canDecide(record: AccessRequestRecord, caller: Caller, now: Date): boolean {
  return decisionRefusal({ ...record, rule: record.approval }, deciderOf(caller, record.vmId), now) === null;
}

export function canReview(record: AccessRequestRecord, caller: Caller): boolean {
  return record.breakGlass && record.review === null && record.requesterOid !== caller.oid && caller.access.has("jit.request.approve", record.vmId);
}

/** `requesterAuthorized`: for a pending request, whether its requester still holds `jit.request.create` on the VM. */
export function toView(record: AccessRequestRecord, caller: Caller, now: Date, requesterAuthorized?: boolean): AccessRequest {
  const tally = tallyDecisions(record.approval, record.decisions);
  return {
    id: record.id,
    vmId: grantVmId(record),
    vmName: record.vmName,
    resourceGroup: record.resourceGroup,
    subscriptionId: record.subscriptionId,
    requester: { oid: record.requesterOid, name: record.requesterName, username: record.requesterUsername },
    ports: record.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
    sourcePrefixes: [...record.sourcePrefixes],
    durationMinutes: record.durationMinutes,
    justification: record.justification,
    status: record.status,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    decidedAt: record.decidedAt?.toISOString() ?? null,
    approval: {
      required: tally.required,
      remaining: record.status === "opened" || record.status === "failed" ? 0 : tally.remaining,
      clockStartsAt: record.approval.clockStartsAt,
      decisions: record.decisions.map((d) => ({ approver: { oid: d.approverOid, name: d.approverName }, decision: d.decision, comment: d.comment, at: d.at.toISOString() })),
    },
    canDecide: canDecide(record, caller, now),
    breakGlass: record.breakGlass,
    review: record.review === null ? null : { by: { oid: record.review.byOid, name: record.review.byName }, comment: record.review.comment, at: record.review.at.toISOString() },
    grantId: record.grantId,
    error: record.error,
    ...(requesterAuthorized === undefined ? {} : { requesterStillAuthorized: requesterAuthorized }),
  };
}

