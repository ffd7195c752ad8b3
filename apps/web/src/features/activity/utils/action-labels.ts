import type { ActivityAction } from "@portcullis/contract";

/** What each action means, in the words the log shows (the code stays visible beside it). */
export const actionLabels: Record<ActivityAction, string> = {
  "policy.enabled": "JIT enabled",
  "policy.edited": "JIT policy edited",
  "policy.removed": "JIT removed",
  "policy.imported": "JIT policy imported",
  "request.created": "Access requested",
  "request.approved": "Request approved",
  "request.denied": "Request denied",
  "request.opened": "Access opened",
  "request.failed": "Opening failed",
  "request.superseded": "Access superseded",
  "request.extended": "Access extended",
  "request.revoked": "Access revoked",
  "request.expired": "Access expired",
  "request.close-retried": "Closing retried",
  "request.lapsed": "Request lapsed",
  "request.cancelled": "Request cancelled",
  "request.break-glass": "Break-glass access",
  "request.break-glass-reviewed": "Break-glass reviewed",
  "drift.found": "Drift found",
  "drift.repaired": "Drift repaired",
  "rbac.assignment-added": "Role assigned",
  "rbac.assignment-removed": "Role removed",
  "notification.subscription-added": "Notification subscription added",
  "notification.subscription-changed": "Notification subscription changed",
  "notification.subscription-removed": "Notification subscription removed",
  "notification.failed": "Notification failed",
  "access.denied": "Access denied",
};

export const outcomeLabels = { success: "Success", failure: "Failure" } as const;
