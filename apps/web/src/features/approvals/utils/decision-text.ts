import type { AccessRequest } from "@portcullis/contract";
import { waitingText } from "../../../lib/access-text.ts";
import { formatEndTime, type TimeFormatOptions } from "../../../lib/format.ts";
import { portNumbers } from "../../../lib/port-label.ts";

/** Why Deny cannot be pressed yet, shown under the comment; null once a comment is there. */
export function denyBlockedReason(comment: string): string | null {
  return comment.trim() === "" ? "Deny needs a comment: say why, so the requester knows." : null;
}

/** Why Mark reviewed cannot be pressed yet; null once a comment is there. */
export function reviewBlockedReason(comment: string): string | null {
  return comment.trim() === "" ? "Mark reviewed needs a comment: say what the review found." : null;
}

/**
 * When the grant of an approved request ends: its duration from the last approval, or from the request when the
 * policy starts the clock there (as the server computes it).
 */
export function approvedEndsAt(request: Pick<AccessRequest, "approval" | "createdAt" | "decidedAt" | "durationMinutes">, now: Date): Date {
  const start = request.approval.clockStartsAt === "request" ? request.createdAt : (request.decidedAt ?? now.toISOString());
  return new Date(Date.parse(start) + request.durationMinutes * 60_000);
}

export type Notice = { severity: "success" | "warning"; text: string };

type Decided = Pick<AccessRequest, "status" | "approval" | "ports" | "vmName" | "requester" | "createdAt" | "decidedAt" | "durationMinutes" | "error">;

/** What the snackbar says after a decision, from the request as the server answered it. */
export function decisionNotice(action: "approve" | "deny" | "review", request: Decided, now: Date, options?: TimeFormatOptions): Notice {
  if (action === "deny") return { severity: "success", text: `Denied: ${request.requester.name}'s request for ${request.vmName}` };
  if (action === "review") return { severity: "success", text: `Marked reviewed: break-glass access to ${request.vmName} by ${request.requester.name}` };
  const many = new Set(request.ports.map((port) => port.port)).size > 1;
  switch (request.status) {
    case "opened":
      return {
        severity: "success",
        text: `Approved: port${many ? "s" : ""} ${portNumbers(request.ports)} on ${request.vmName} ${many ? "are" : "is"} open until ${formatEndTime(approvedEndsAt(request, now), now, options)}`,
      };
    case "pending":
      return { severity: "success", text: `Approved: ${waitingText(request.approval.remaining).toLowerCase()}` };
    case "failed":
      return { severity: "warning", text: `Approved, but the ports on ${request.vmName} could not be opened${request.error ? `: ${request.error}` : ""}` };
    default:
      return { severity: "warning", text: `Approved, but the request is ${request.status}` };
  }
}
