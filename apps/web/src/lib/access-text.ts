import type { AccessRequest, ApprovalDecision } from "@portcullis/contract";

/**
 * Phrases about access that the requester's pages (My access, Request access) and the approver's
 * (Pending approvals) must word alike.
 */

/** "203.0.113.7/32" shown as the address it is; ranges as typed. */
export function sourceText(prefixes: readonly string[]): string {
  if (prefixes.length === 0) return "None";
  return prefixes.map((prefix) => (prefix === "*" ? "Any (the Internet)" : prefix.replace(/\/(32|128)$/, ""))).join(", ");
}

function approvals(count: number): string {
  return `approval${count === 1 ? "" : "s"}`;
}

/** "Waiting for 1 more approval", "Waiting for 2 more approvals". */
export function waitingText(remaining: number): string {
  return `Waiting for ${remaining} more ${approvals(remaining)}`;
}

/** "1 of 2 approvals": how far a request has come. */
export function approvalProgressText(approval: Pick<AccessRequest["approval"], "required" | "remaining">): string {
  const given = Math.max(0, approval.required - approval.remaining);
  return `${given} of ${approval.required} ${approvals(approval.required)}`;
}

/** "Needs 1 approval", "Needs 2 approvals". */
export function approvalsNeededText(required: number): string {
  return `Needs ${required} ${approvals(required)}`;
}

/** Where a request stands, in the words the requester reads on My access. */
export function accessRequestStatusText(request: Pick<AccessRequest, "status" | "approval"> & { breakGlass?: boolean }): string {
  switch (request.status) {
    case "pending":
      return waitingText(request.approval.remaining);
    // Break-glass skips approval: nobody approved it, whatever opened.
    case "opened":
      return request.breakGlass === true ? "Opened by break-glass, without approval" : "Approved and opened";
    case "failed":
      return request.breakGlass === true ? "Break-glass, but the ports could not be opened" : "Approved, but the ports could not be opened";
    case "denied":
      return "Denied";
    case "lapsed":
      return "Lapsed: not approved in time";
    case "cancelled":
      return "Cancelled";
  }
}

/** "Approved by Alex Approver", "Denied by Sam Security". */
export function decisionText(decision: Pick<ApprovalDecision, "decision" | "approver">): string {
  return `${decision.decision === "approve" ? "Approved" : "Denied"} by ${decision.approver.name}`;
}

/** The comment of the denial that ended a request, for the requester; null when it has none. */
export function denialComment(request: Pick<AccessRequest, "status" | "approval">): string | null {
  if (request.status !== "denied") return null;
  const denial = request.approval.decisions.find((decision) => decision.decision === "deny");
  return denial?.comment ?? null;
}
