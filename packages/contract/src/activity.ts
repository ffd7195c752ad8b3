import { z } from "zod";

/** Every kind of event the activity log holds. */
export const activityActions = [
  "policy.enabled",
  "policy.edited",
  "policy.removed",
  "policy.imported",
  "request.created",
  "request.approved",
  "request.denied",
  "request.opened",
  "request.failed",
  "request.superseded",
  "request.extended",
  "request.revoked",
  "request.expired",
  "request.close-retried",
  "request.lapsed",
  "request.cancelled",
  "request.break-glass",
  "request.break-glass-reviewed",
  "drift.found",
  "drift.repaired",
  "rbac.assignment-added",
  "rbac.assignment-removed",
  "notification.subscription-added",
  "notification.subscription-changed",
  "notification.subscription-removed",
  "notification.failed",
  /** A signed-in caller was refused (403) on a write route; rate-limited per caller (see apps/bff/src/lib/audit/access-denied.ts). */
  "access.denied",
] as const;
export const ActivityActionSchema = z.enum(activityActions);
export type ActivityAction = z.infer<typeof ActivityActionSchema>;

export const ActivityOutcomeSchema = z.enum(["success", "failure"]);

export const maxActivityPageSize = 200;

/** Filters shared by the page, CSV and JSON-lines exports. Times are ISO 8601 (UTC or with offset). */
export const ActivityQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  vmId: z.string().max(400).optional(),
  /** The actor's object id (`oid`). */
  userId: z.string().max(200).optional(),
  action: ActivityActionSchema.optional(),
  outcome: ActivityOutcomeSchema.optional(),
  correlationId: z.string().max(200).optional(),
  /** Free text over justification, VM name and actor name. */
  q: z.string().trim().max(200).optional(),
  /** Opaque cursor from the previous page (keyset paging, newest first). */
  cursor: z.string().max(200).optional(),
  pageSize: z.coerce.number().int().min(1).max(maxActivityPageSize).default(50),
});
export type ActivityQuery = z.infer<typeof ActivityQuerySchema>;

export const ActivityEventSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  at: z.string(),
  action: ActivityActionSchema,
  outcome: ActivityOutcomeSchema,
  /** `kind`: a person, or an application with an app-only token (automation). Always sent by the BFF. */
  actor: z.object({ oid: z.string(), name: z.string(), ip: z.string().nullable(), kind: z.enum(["user", "application"]).optional() }),
  vmId: z.string().nullable(),
  vmName: z.string().nullable(),
  ports: z.array(z.string()),
  sources: z.array(z.string()),
  durationMinutes: z.number().nullable(),
  justification: z.string().nullable(),
  error: z.string().nullable(),
  correlationId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type ActivityEvent = z.infer<typeof ActivityEventSchema>;

export const ActivityPageResponseSchema = z.object({
  items: z.array(ActivityEventSchema),
  /** Cursor for the next (older) page; null at the end. */
  nextCursor: z.string().nullable(),
});
export type ActivityPageResponse = z.infer<typeof ActivityPageResponseSchema>;

const AuditAnchorRefSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  /** Where the anchor was kept: the database's `audit_anchor`, or an anchor file outside it. */
  source: z.enum(["database", "file"]),
});

export const AuditVerifyResponseSchema = z.object({
  ok: z.boolean(),
  /** Events verified (from the latest pruning checkpoint, or the first event). */
  checked: z.number().int(),
  /**
   * The first thing that does not hold, when not ok: an event whose hash, link or key does not match, or that
   * differs from an anchor; or a checkpoint or anchor whose signature fails (then `seq` and `id` are its own).
   */
  firstBroken: z.object({ seq: z.number().int(), id: z.string(), reason: z.string() }).nullable(),
  /** Events an anchor shows existed that are gone (e.g. the newest ones cut off): seq range and how many. */
  missing: z
    .object({ fromSeq: z.number().int(), toSeq: z.number().int(), events: z.number().int(), anchor: AuditAnchorRefSchema })
    .nullable(),
  checkpoint: z.object({ seq: z.number().int(), at: z.string() }).nullable(),
  /** The newest anchor the chain was found to reach; null when there is none yet. */
  anchor: AuditAnchorRefSchema.nullable(),
  /** One sentence for people: what was verified, or what is wrong and where. */
  summary: z.string(),
});
export type AuditVerifyResponse = z.infer<typeof AuditVerifyResponseSchema>;

/** Per-VM figures for the Configured tab, computed from the log. */
export const VmActivitySummarySchema = z.object({
  approvedLast7Days: z.number().int(),
  lastAccessAt: z.string().nullable(),
  lastUser: z.string().nullable(),
});
export type VmActivitySummary = z.infer<typeof VmActivitySummarySchema>;
