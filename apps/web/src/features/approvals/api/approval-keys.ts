/**
 * Every approvals query key starts with `approvalKeys.all`, so one invalidation after a decision or a review
 * reaches the list and every request's history.
 */
export const approvalKeys = {
  all: ["approvals"] as const,
  list: () => [...approvalKeys.all, "list"] as const,
  ownPending: () => [...approvalKeys.all, "own-pending"] as const,
  requesterHistory: (requestId: string) => [...approvalKeys.all, "requester-history", requestId] as const,
};
