import type { RequesterHistoryResponse } from "@portcullis/contract";

type HistoryGrant = RequesterHistoryResponse["grants"][number];

const reasons: Record<NonNullable<HistoryGrant["statusReason"]>, string> = {
  Expired: "Expired",
  UserRequested: "Revoked by the requester",
  Revoked: "Revoked",
  NewerRequestInitiated: "Superseded",
  OpenFailed: "Opening failed",
};

const statuses: Record<HistoryGrant["status"], string> = { opening: "Opening", open: "Open", closing: "Closing", closed: "Closed", failed: "Failed" };

/** A past grant's state in a word or two. */
export function historyGrantStatus(grant: Pick<HistoryGrant, "status" | "statusReason">): string {
  if (grant.status === "open" || grant.status === "opening" || grant.status === "closing") return statuses[grant.status];
  return grant.statusReason ? reasons[grant.statusReason] : statuses[grant.status];
}

/**
 * "Requests for approval in the last 30 days: 4 opened, 1 denied, 1 break-glass" (outcomes with none are left out).
 * These count requests, not grants: access a policy opens without approval is only in the grants beside them.
 */
export function historyCountsText(counts: RequesterHistoryResponse["counts"]): string {
  const parts = [
    [counts.opened, "opened"],
    [counts.denied, "denied"],
    [counts.lapsed, "lapsed"],
    [counts.cancelled, "cancelled"],
    [counts.breakGlass, "break-glass"],
  ]
    .filter(([count]) => Number(count) > 0)
    .map(([count, word]) => `${count} ${word}`);
  return parts.length === 0 ? "No requests for approval or break-glass in the last 30 days." : `Requests for approval or break-glass in the last 30 days: ${parts.join(", ")}.`;
}
