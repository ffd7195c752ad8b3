import type { AccessRequest } from "@portcullis/contract";

function oldestFirst(a: AccessRequest, b: AccessRequest): number {
  return Date.parse(a.createdAt) - Date.parse(b.createdAt);
}

/** Requests that wait on the caller's decision, the longest-waiting first (they lapse first). */
export function awaitingDecision(items: readonly AccessRequest[]): AccessRequest[] {
  return items.filter((request) => request.status === "pending" && request.canDecide).sort(oldestFirst);
}

/** Break-glass accesses nobody has reviewed yet, oldest first. */
export function awaitingReview(items: readonly AccessRequest[]): AccessRequest[] {
  return items.filter((request) => request.breakGlass && request.review === null && request.status !== "pending").sort(oldestFirst);
}
