/**
 * The domain events: every activity action declared once, with the payload (`details`) it carries. The BFF's audit
 * recorder accepts only these; the notification mapping and the activity log read these fields by name, so renaming
 * one here fails the typecheck wherever it is read. Rows written before these schemas stay as they are (the hash
 * chain covers them): readers parse with `parseEventDetails` and fall back to the legacy reader when it fails.
 *
 * One shape per fact: ports of an access are `{ port, protocol }` (protocol absent only where the request named
 * none), sources are address/CIDR strings, durations are whole minutes, times ISO 8601 strings.
 */
import { z } from "zod";
import { ActivityActionSchema, type ActivityAction } from "./activity.ts";
import { ApprovalSettingsSchema, AutoApprovalRuleSchema, JustificationRuleSchema, PolicyPortSchema } from "./policies.ts";

/** A port of an access (request or grant). */
export const EventPortSchema = z.object({ port: z.number().int(), protocol: z.string().optional() });
export type EventPort = z.infer<typeof EventPortSchema>;

/** The person an access is for, when the actor is someone else (an approver, the scheduler). */
export const EventRequesterSchema = z.object({ oid: z.string(), name: z.string(), username: z.string().nullable().optional() });

/** Why an operation failed: the HTTP status and code it answered, and the error body's details. */
const failureFacts = {
  status: z.number().int().optional(),
  code: z.string().optional(),
  errorDetails: z.unknown().optional(),
};

/** What the recorder adds to every event an application (app-only token) causes; covered by the event's hash. */
const recorderFacts = { actorKind: z.literal("application").optional() };

/** The facts of an access: request and grant events share them. */
const accessFacts = {
  requestId: z.string().optional(),
  /** Null on a break-glass review of an access that never opened. */
  grantId: z.string().nullable().optional(),
  vmName: z.string().optional(),
  ports: z.array(EventPortSchema),
  sources: z.array(z.string()),
  durationMinutes: z.number(),
  justification: z.string().optional(),
  requester: EventRequesterSchema.optional(),
  breakGlass: z.boolean().optional(),
  /** Whether the sources cover the whole Internet (a policy allowing `any`). */
  opensToAnyAddress: z.boolean().optional(),
  /** Why the request or grant ended so: a grant's status reason, or a refusal such as RequesterNoLongerAuthorized. */
  reason: z.string().nullable().optional(),
  comment: z.string().optional(),
  endsAt: z.string().optional(),
  nsgIds: z.array(z.string()).optional(),
  ...failureFacts,
  ...recorderFacts,
};

const AccessDetailsSchema = z.object(accessFacts);

/** An automatic approval rule's verdict on a request (ADR 019): applied, or the conditions it found unmet. */
const AutoApprovalVerdictSchema = z.object({
  rule: z.string(),
  applied: z.boolean(),
  unmet: z.array(z.object({ condition: z.string(), reason: z.string() })).optional(),
});

/** The end of a grant (expired, revoked, superseded, failed opening): who asked for it and how the close went. */
const ClosedDetailsSchema = z.object({
  ...accessFacts,
  closeAttempts: z.number().int().optional(),
  /** A revocation recorded while the grant was busy: why it was revoked (role removal, an admin). */
  cause: z.string().optional(),
  /** Supersede: the grant that took this one's place. */
  supersededBy: z.string().optional(),
  /** Findings of the reconciler that closed it. */
  findings: z.array(z.string()).optional(),
});

/** A Portcullis rule on an NSG that no stored policy accounts for. */
const OrphanRuleSchema = z.object({ nsgId: z.string(), nsgName: z.string(), rule: z.string() });

const DriftDetailsSchema = z.object({
  /** What was found: policy-rules, deny-without-policy, expired-allow-rules, allow-rules-of-ended-grants. */
  kind: z.string(),
  vmName: z.string().nullable().optional(),
  findings: z.array(z.string()).optional(),
  nsgId: z.string().optional(),
  nsgName: z.string().optional(),
  /** Rule names on one NSG, or (deny-without-policy) the rules with their NSGs. */
  rules: z.array(z.union([z.string(), OrphanRuleSchema])).optional(),
  grantIds: z.array(z.string()).optional(),
  expiredAt: z.array(z.string()).optional(),
  /** Whether the repair wrote the NSG. */
  written: z.boolean().optional(),
  /** The NSGs (names) a repair wrote. */
  nsgs: z.array(z.string()).optional(),
  ...recorderFacts,
});

const PolicyDetailsSchema = z.object({
  ports: z.array(PolicyPortSchema).optional(),
  previousPorts: z.array(PolicyPortSchema).optional(),
  previousVersion: z.number().int().optional(),
  approval: ApprovalSettingsSchema.nullable().optional(),
  breakGlass: z.boolean().optional(),
  justificationRequired: z.boolean().optional(),
  justificationRule: JustificationRuleSchema.nullable().optional(),
  nsgIds: z.array(z.string()).optional(),
  ...failureFacts,
  ...recorderFacts,
});

/** A role assignment; a failed removal names only the assignment. */
const AssignmentDetailsSchema = z.object({
  assignmentId: z.string().optional(),
  principalType: z.string().optional(),
  principalId: z.string().optional(),
  principalName: z.string().optional(),
  role: z.string().optional(),
  scope: z.string().optional(),
  ...failureFacts,
  ...recorderFacts,
});

const SubscriptionDetailsSchema = z.object({
  subscriptionId: z.string().optional(),
  name: z.string().optional(),
  kind: z.string().optional(),
  targetDisplay: z.string().optional(),
  scope: z.string().optional(),
  events: z.array(z.string()).optional(),
  enabled: z.boolean().optional(),
  toRequester: z.boolean().optional(),
  /** A change: what it changed, as it was before. */
  before: z.object({ enabled: z.boolean(), events: z.array(z.string()) }).optional(),
  ...failureFacts,
  ...recorderFacts,
});

const NotificationFailedDetailsSchema = z.object({
  deliveryId: z.string(),
  subscriptionId: z.string().nullable(),
  subscriptionName: z.string(),
  kind: z.string(),
  event: z.string(),
  attempt: z.number().int(),
  statusCode: z.number().int().nullable(),
  willRetry: z.boolean(),
  nextAttemptAt: z.string().nullable(),
  vmName: z.string().optional(),
  ...recorderFacts,
});

const AccessDeniedDetailsSchema = z.object({
  /** `METHOD /api/route/template`. */
  route: z.string(),
  permission: z.string().nullable(),
  scope: z.string().nullable(),
  reason: z.string().optional(),
  requestId: z.string().optional(),
  grantId: z.string().optional(),
  /** Refusals of the same caller and route not recorded since the last one (rate limit). */
  suppressed: z.number().int().optional(),
  ...recorderFacts,
});

/** Each action's payload. `satisfies` keeps the list complete: a new action without a payload fails the typecheck. */
export const eventDetailSchemas = {
  "policy.enabled": PolicyDetailsSchema,
  "policy.edited": PolicyDetailsSchema,
  "policy.removed": PolicyDetailsSchema,
  "policy.imported": PolicyDetailsSchema,
  "request.created": AccessDetailsSchema.extend({
    /** The request waits for approval (`request.opened` follows otherwise). */
    approvalRequired: z.boolean().optional(),
    required: z.number().int().optional(),
    expiresAt: z.string().optional(),
    clockStartsAt: z.enum(["approval", "request"]).optional(),
    /** Grants of the same requester, VM and ports this one replaces once it opens. */
    supersedes: z.array(z.string()).optional(),
    /** The policy's automatic approval rule, when it has one: whether it approved the request, or why not. */
    autoApproval: AutoApprovalVerdictSchema.optional(),
  }),
  "request.approved": AccessDetailsSchema.extend({
    /** Distinct approvals so far and needed (absent for an automatic approval, which would read "0 of 1"). */
    approvals: z.number().int().optional(),
    required: z.number().int().optional(),
    /** Approvals still needed; 0 on the last one. */
    remaining: z.number().int(),
    /** Approved by the policy's automatic approval rule `rule`, whose conditions are given. */
    automatic: z.boolean().optional(),
    rule: z.string().optional(),
    conditions: AutoApprovalRuleSchema.nullable().optional(),
  }),
  "request.denied": AccessDetailsSchema,
  "request.opened": AccessDetailsSchema,
  "request.failed": AccessDetailsSchema.partial({ ports: true, sources: true, durationMinutes: true }).extend({
    /** Whether the failed opening left nothing on the NSGs. */
    settled: z.boolean().optional(),
    /** The close of a failed opening (the expiry job's cleanup). */
    closeAttempts: z.number().int().optional(),
  }),
  "request.superseded": ClosedDetailsSchema,
  "request.extended": AccessDetailsSchema.extend({ previousEndsAt: z.string().optional(), addMinutes: z.number() }),
  "request.revoked": ClosedDetailsSchema,
  "request.expired": ClosedDetailsSchema,
  "request.close-retried": AccessDetailsSchema.extend({
    attempt: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    retryReason: z.string().nullable(),
  }),
  "request.lapsed": AccessDetailsSchema.extend({ approvals: z.number().int().optional(), required: z.number().int().optional(), expiresAt: z.string().optional() }),
  "request.cancelled": AccessDetailsSchema,
  "request.break-glass": AccessDetailsSchema.extend({ approvalRequired: z.boolean().optional() }),
  "request.break-glass-reviewed": AccessDetailsSchema,
  "drift.found": DriftDetailsSchema,
  "drift.repaired": DriftDetailsSchema,
  "rbac.assignment-added": AssignmentDetailsSchema,
  "rbac.assignment-removed": AssignmentDetailsSchema,
  "notification.subscription-added": SubscriptionDetailsSchema,
  "notification.subscription-changed": SubscriptionDetailsSchema,
  "notification.subscription-removed": SubscriptionDetailsSchema,
  "notification.failed": NotificationFailedDetailsSchema,
  "access.denied": AccessDeniedDetailsSchema,
} as const satisfies Record<ActivityAction, z.ZodType>;

type Schemas = typeof eventDetailSchemas;

/** The payload producers write for an action (defaults not applied: what they pass). */
export type EventDetailsInput<A extends ActivityAction> = z.input<Schemas[A]>;
/** The payload readers get for an action. */
export type EventDetails<A extends ActivityAction> = z.output<Schemas[A]>;

/** An event as its producer states it: the action and its typed payload, nothing else. */
export type DomainEventOf<A extends ActivityAction> = { action: A; details: EventDetailsInput<A> };
/** Any domain event: narrowing on `action` narrows `details`. */
export type DomainEvent = { [A in ActivityAction]: DomainEventOf<A> }[ActivityAction];

/** A stored event's payload read back: typed when it parses with its action's schema, else the row as stored (legacy). */
export type ParsedEventDetails = { [A in ActivityAction]: { action: A; typed: true; details: EventDetails<A> } }[ActivityAction] | { action: string; typed: false; details: Record<string, unknown> };

/** Parses a stored payload with its action's schema; rows written before the schemas (or by an older version) fall back. */
export function parseEventDetails(action: string, details: Record<string, unknown>): ParsedEventDetails {
  const known = ActivityActionSchema.safeParse(action);
  if (!known.success) return { action, typed: false, details };
  const parsed = eventDetailSchemas[known.data].safeParse(details);
  if (!parsed.success) return { action, typed: false, details };
  return { action: known.data, typed: true, details: parsed.data } as ParsedEventDetails;
}

/** The facts every request and grant event carries (`request.*` payloads extend them). */
export type AccessEventFacts = z.input<typeof AccessDetailsSchema>;
/** Why an operation failed, as the failure events of every family record it. */
export interface FailureFacts {
  status?: number;
  code?: string;
  errorDetails?: unknown;
}

/**
 * Why a payload is not exactly its action's (an undeclared key, a wrong type), or null. The recorder runs it on every
 * event under test, so a producer that drifts from its declared payload fails the suite rather than a reader.
 */
export function payloadProblem(action: ActivityAction, details: unknown): string | null {
  const parsed = eventDetailSchemas[action].strict().safeParse(details);
  if (parsed.success) return null;
  return `${action}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "details"}: ${i.message}`).join("; ")}`;
}
