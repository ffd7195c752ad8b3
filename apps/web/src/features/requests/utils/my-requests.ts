import type { AccessRequest } from "@portcullis/contract";

/** How far back My access shows requests that ended without opening anything. */
export const recentRequestDays = 7;

const endedWithoutAccess: ReadonlySet<AccessRequest["status"]> = new Set(["denied", "lapsed", "cancelled", "failed"]);

function newestFirst(a: AccessRequest, b: AccessRequest): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt);
}

/** The requests that wait for approval, newest first. */
export function pendingRequests(items: readonly AccessRequest[]): AccessRequest[] {
  return items.filter((request) => request.status === "pending").sort(newestFirst);
}

/**
 * Requests that ended in the last week without opening anything (denied, lapsed, cancelled, or approved but
 * failed to open), newest first. Opened ones are on the grants lists already.
 */
export function recentlyEndedRequests(items: readonly AccessRequest[], now: Date): AccessRequest[] {
  const since = now.getTime() - recentRequestDays * 24 * 60 * 60_000;
  return items
    .filter((request) => endedWithoutAccess.has(request.status) && Date.parse(request.decidedAt ?? request.createdAt) >= since)
    .sort(newestFirst);
}

export function pendingIds(items: readonly AccessRequest[]): ReadonlySet<string> {
  return new Set(items.filter((request) => request.status === "pending").map((request) => request.id));
}

/** Requests that waited at the last look and have opened since: their grants are new on the grants lists. */
export function openedSince(previouslyPending: ReadonlySet<string>, items: readonly AccessRequest[]): AccessRequest[] {
  return items.filter((request) => previouslyPending.has(request.id) && (request.status === "opened" || request.status === "failed"));
}
