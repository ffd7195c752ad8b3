import { z } from "zod";
import { JitProtocolSchema } from "./policies.ts";

/** Rows per page of the grant and access-request lists. */
export const maxListPageSize = 500;
export const defaultListPageSize = 100;

/**
 * Keyset paging of the grant and access-request lists, newest first: `cursor` is the `nextCursor` of the previous
 * page, opaque to clients (a cursor from another list is refused).
 */
const ListPagingFields = {
  cursor: z.string().max(200).optional(),
  pageSize: z.coerce.number().int().min(1).max(maxListPageSize).default(defaultListPageSize),
};
/** Cursor for the next (older) page; null on the last page. */
const NextCursorSchema = z.string().nullable();

export const RequestSourcesSchema = z.discriminatedUnion("kind", [
  /** The caller's own address as the BFF sees it (through trusted proxies). */
  z.object({ kind: z.literal("my-ip") }),
  /** IPs or CIDRs that must fit the policy's allowed sources. */
  z.object({ kind: z.literal("ranges"), prefixes: z.array(z.string().trim().min(1).max(64)).min(1).max(20) }),
]);
export type RequestSources = z.infer<typeof RequestSourcesSchema>;

export const CreateAccessRequestBodySchema = z.object({
  vmId: z.string().min(1).max(400),
  ports: z
    .array(z.object({ port: z.number().int().min(0).max(65535), protocol: JitProtocolSchema.optional() }))
    .min(1, "must name at least one port")
    .max(50),
  sources: RequestSourcesSchema,
  durationMinutes: z.number().int(),
  justification: z.string().max(1000).optional(),
  /**
   * Break-glass: open at once although the policy asks for approval. Only where the policy allows it; the
   * justification is then required, and the access is flagged for review afterwards.
   */
  breakGlass: z.boolean().optional(),
});
export type CreateAccessRequestBody = z.infer<typeof CreateAccessRequestBodySchema>;

export const GrantStatusSchema = z.enum(["opening", "open", "closing", "closed", "failed"]);
export type GrantStatusName = z.infer<typeof GrantStatusSchema>;

/** Defender's status reasons, plus ours. */
export const GrantStatusReasonSchema = z.enum(["Expired", "UserRequested", "Revoked", "NewerRequestInitiated", "OpenFailed"]);

export const GrantSchema = z.object({
  id: z.string(),
  vmId: z.string(),
  vmName: z.string(),
  resourceGroup: z.string(),
  subscriptionId: z.string(),
  requester: z.object({ oid: z.string(), name: z.string() }),
  ports: z.array(z.object({ port: z.number().int(), protocol: JitProtocolSchema })),
  sourcePrefixes: z.array(z.string()),
  justification: z.string().nullable(),
  status: GrantStatusSchema,
  statusReason: GrantStatusReasonSchema.nullable(),
  createdAt: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  closedAt: z.string().nullable(),
  /** Why opening or closing failed (ARM code and message), for the requester. */
  error: z.string().nullable(),
  /** The access request it came from (the same id when it needed approval or was break-glass). Always sent by the BFF. */
  requestId: z.string().nullable().optional(),
  /** Opened through break-glass (flagged for review). Always sent by the BFF. */
  breakGlass: z.boolean().optional(),
  /** How to connect: the VM's private addresses and, per port, a ready command or file. */
  connect: z.object({
    addresses: z.array(z.string()),
    sshCommand: z.string().nullable(),
    rdpFile: z.string().nullable(),
  }),
});
export type Grant = z.infer<typeof GrantSchema>;

export const ListGrantsQuerySchema = z.object({
  /** `mine` (default) or `all` (Admins; others see their own only). */
  scope: z.enum(["mine", "all"]).default("mine"),
  status: z.enum(["active", "recent", "all"]).default("all"),
  vmId: z.string().max(400).optional(),
  ...ListPagingFields,
});
export const ListGrantsResponseSchema = z.object({ items: z.array(GrantSchema), nextCursor: NextCursorSchema });
export type ListGrantsResponse = z.infer<typeof ListGrantsResponseSchema>;

export const ExtendGrantBodySchema = z.object({
  /** Minutes to add to the current end; the new end may be at most the policy's max after the grant's start. */
  addMinutes: z.number().int().min(1).max(24 * 60),
});
export type ExtendGrantBody = z.infer<typeof ExtendGrantBodySchema>;

export const MyIpResponseSchema = z.object({ ip: z.string().nullable() });
export type MyIpResponse = z.infer<typeof MyIpResponseSchema>;

/**
 * An access request that needs approval (or was break-glass). `pending` waits for approvals; `opened` has its
 * grant (`grantId`); `failed` was approved but its ports could not be opened; `denied`, `lapsed` (waited longer
 * than the policy allows) and `cancelled` (by the requester) never opened anything.
 */
export const AccessRequestStatusSchema = z.enum(["pending", "opened", "failed", "denied", "lapsed", "cancelled"]);
export type AccessRequestStatus = z.infer<typeof AccessRequestStatusSchema>;

export const ApprovalDecisionSchema = z.object({
  approver: z.object({ oid: z.string(), name: z.string() }),
  decision: z.enum(["approve", "deny"]),
  comment: z.string().nullable(),
  at: z.string(),
});
export type ApprovalDecision = z.infer<typeof ApprovalDecisionSchema>;

export const AccessRequestSchema = z.object({
  id: z.string(),
  vmId: z.string(),
  vmName: z.string(),
  resourceGroup: z.string(),
  subscriptionId: z.string(),
  requester: z.object({ oid: z.string(), name: z.string(), username: z.string() }),
  ports: z.array(z.object({ port: z.number().int(), protocol: JitProtocolSchema })),
  sourcePrefixes: z.array(z.string()),
  durationMinutes: z.number().int(),
  justification: z.string().nullable(),
  status: AccessRequestStatusSchema,
  createdAt: z.string(),
  /** When a pending request lapses. */
  expiresAt: z.string(),
  /** When it left `pending` (approved and opened, denied, lapsed, cancelled). */
  decidedAt: z.string().nullable(),
  approval: z.object({
    required: z.number().int(),
    /** Approvals still needed (0 once approved). */
    remaining: z.number().int(),
    clockStartsAt: z.enum(["approval", "request"]),
    decisions: z.array(ApprovalDecisionSchema),
  }),
  /** Whether the caller may approve or deny it now (pending, in the approver set, not the requester unless allowed, not yet decided). */
  canDecide: z.boolean(),
  breakGlass: z.boolean(),
  /** For break-glass: the after-the-fact review (null until reviewed). */
  review: z.object({ by: z.object({ oid: z.string(), name: z.string() }), comment: z.string(), at: z.string() }).nullable(),
  grantId: z.string().nullable(),
  /** Why opening failed, for `failed` (`RequesterNoLongerAuthorized: ...` when the requester lost their access). */
  error: z.string().nullable(),
  /**
   * Pending requests: whether the requester still holds `jit.request.create` on the VM now (false when their role
   * changed since the request; approving then ends the request instead of opening it).
   */
  requesterStillAuthorized: z.boolean().optional(),
});
export type AccessRequest = z.infer<typeof AccessRequestSchema>;

/**
 * `GET /api/access-requests`: `mine` (default), `approvals` (what the caller may decide or review: pending requests
 * in their approver set, and break-glass accesses awaiting review), or `all` (Admins: every request in their scope).
 */
export const ListAccessRequestsQuerySchema = z.object({
  scope: z.enum(["mine", "approvals", "all"]).default("mine"),
  status: z.enum(["pending", "all"]).default("all"),
  ...ListPagingFields,
});
export const ListAccessRequestsResponseSchema = z.object({ items: z.array(AccessRequestSchema), nextCursor: NextCursorSchema });
export type ListAccessRequestsResponse = z.infer<typeof ListAccessRequestsResponseSchema>;

/** `POST /api/access-requests/:id/approve`: comment optional. */
export const ApproveAccessRequestBodySchema = z.object({ comment: z.string().trim().max(1000).optional() });
/** `POST /api/access-requests/:id/deny`: a comment is required, so the requester learns why. */
export const DenyAccessRequestBodySchema = z.object({ comment: z.string().trim().min(1, "must say why the request is denied").max(1000) });
/** `POST /api/access-requests/:id/review`: closes a break-glass access's review. */
export const ReviewAccessRequestBodySchema = z.object({ comment: z.string().trim().min(1, "must say what the review found").max(1000) });

/** `POST /api/requests` answers 201 with the grant when the ports opened, or 202 with the request when it waits for approval. */
export const CreateAccessRequestResponseSchema = z.union([GrantSchema, AccessRequestSchema]);

/** The requester's recent history, shown to approvers beside a request. */
export const RequesterHistoryResponseSchema = z.object({
  requester: z.object({ oid: z.string(), name: z.string() }),
  /** Grants in the last 30 days, newest first (at most 20). */
  grants: z.array(
    z.object({
      id: z.string(),
      vmName: z.string(),
      ports: z.array(z.object({ port: z.number().int(), protocol: JitProtocolSchema })),
      createdAt: z.string(),
      status: GrantStatusSchema,
      statusReason: GrantStatusReasonSchema.nullable(),
      breakGlass: z.boolean(),
    }),
  ),
  /** Requests in the last 30 days by outcome. */
  counts: z.object({ opened: z.number().int(), denied: z.number().int(), lapsed: z.number().int(), cancelled: z.number().int(), breakGlass: z.number().int() }),
});
export type RequesterHistoryResponse = z.infer<typeof RequesterHistoryResponseSchema>;
