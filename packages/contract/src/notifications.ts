import { z } from "zod";
import { ScopeSchema } from "./arm-ids.ts";

/** What a subscription can be told about. */
export const notificationEvents = [
  "request.pending-approval",
  "request.approved",
  "request.denied",
  "request.lapsed",
  "request.cancelled",
  "request.break-glass",
  "request.opened",
  "request.failed",
  "request.expiring",
  "request.expired",
  "request.revoked",
  "drift.found",
] as const;
export const NotificationEventSchema = z.enum(notificationEvents);
export type NotificationEvent = z.infer<typeof NotificationEventSchema>;

/** Human names for the events (cards, e-mail subjects, the portal). */
export const notificationEventLabels: Record<NotificationEvent, string> = {
  "request.pending-approval": "Request waiting for approval",
  "request.approved": "Request approved",
  "request.denied": "Request denied",
  "request.lapsed": "Request lapsed",
  "request.cancelled": "Request cancelled",
  "request.break-glass": "Break-glass access opened",
  "request.opened": "Access opened",
  "request.failed": "Access failed to open",
  "request.expiring": "Access expiring in 10 minutes",
  "request.expired": "Access expired",
  "request.revoked": "Access revoked",
  "drift.found": "NSG drift found",
};

/** Generic webhook (JSON signed with HMAC-SHA256), Teams or Slack incoming webhook, or e-mail over SMTP. */
export const ChannelKindSchema = z.enum(["webhook", "teams", "slack", "email"]);
export type ChannelKind = z.infer<typeof ChannelKindSchema>;

export const NotificationSubscriptionSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: ChannelKindSchema,
  /** Where it goes, with any secret part hidden (webhook URLs of Teams and Slack are secrets). */
  targetDisplay: z.string(),
  /** Events at or below this scope are sent. */
  scope: z.string(),
  events: z.array(NotificationEventSchema),
  enabled: z.boolean(),
  /** E-mail: also to the requester of the request the event is about. */
  toRequester: z.boolean(),
  /** Webhooks: whether deliveries are signed (always, for `webhook`). */
  signed: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type NotificationSubscription = z.infer<typeof NotificationSubscriptionSchema>;

const emailAddress = z.email({ message: "must be an e-mail address" }).max(254);

export const CreateNotificationSubscriptionBodySchema = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(100),
    kind: ChannelKindSchema,
    /** webhook, teams, slack: https (http only to localhost when the server allows it in development). */
    url: z.string().trim().max(2000).optional(),
    /** email: recipients (may be empty when `toRequester`). */
    emails: z.array(emailAddress).max(20).optional(),
    /** email: also the requester of the request the event is about (at their user name). */
    toRequester: z.boolean().optional(),
    /** webhook: the HMAC key (at least 32 characters); absent: the server makes one and returns it once. */
    secret: z.string().min(32, "must be at least 32 characters").max(200).optional(),
    scope: ScopeSchema,
    events: z.array(NotificationEventSchema).min(1, "must name at least one event").max(notificationEvents.length),
    enabled: z.boolean().default(true),
  })
  .superRefine((body, ctx) => {
    if (body.kind === "email") {
      if ((body.emails ?? []).length === 0 && body.toRequester !== true) ctx.addIssue({ code: "custom", path: ["emails"], message: "must name at least one recipient, unless the e-mail goes to the requester" });
      if (body.url !== undefined) ctx.addIssue({ code: "custom", path: ["url"], message: "is not used for e-mail" });
    } else {
      if (body.url === undefined) ctx.addIssue({ code: "custom", path: ["url"], message: `is required for ${body.kind}` });
      if (body.emails !== undefined) ctx.addIssue({ code: "custom", path: ["emails"], message: `is not used for ${body.kind}` });
      if (body.toRequester !== undefined) ctx.addIssue({ code: "custom", path: ["toRequester"], message: "is only used for e-mail" });
    }
    if (body.secret !== undefined && body.kind !== "webhook") ctx.addIssue({ code: "custom", path: ["secret"], message: "is only used for webhook" });
  });
export type CreateNotificationSubscriptionBody = z.input<typeof CreateNotificationSubscriptionBodySchema>;

export const CreateNotificationSubscriptionResponseSchema = z.object({
  subscription: NotificationSubscriptionSchema,
  /** The webhook's signing key when the server made it: shown this once, never again. */
  secret: z.string().optional(),
});
export type CreateNotificationSubscriptionResponse = z.infer<typeof CreateNotificationSubscriptionResponseSchema>;

export const UpdateNotificationSubscriptionBodySchema = z.object({
  enabled: z.boolean().optional(),
  events: z.array(NotificationEventSchema).min(1, "must name at least one event").max(notificationEvents.length).optional(),
});

export const ListNotificationSubscriptionsResponseSchema = z.object({ items: z.array(NotificationSubscriptionSchema) });
export type ListNotificationSubscriptionsResponse = z.infer<typeof ListNotificationSubscriptionsResponseSchema>;

/**
 * What a failed webhook, Teams or Slack attempt records as `lastError` (and as the error of its `notification.failed`
 * event), besides `http-<status>` for an answer that was not 2xx: coarse on purpose, so that the log cannot tell one
 * closed port, filtered host or internal service from another. `refused-address`: the host resolved, at send time, to
 * an address notifications may not reach (the check the subscription passed when it was saved failed later).
 */
export const webhookFailureOutcomes = ["unreachable", "tls-error", "timeout", "refused-address"] as const;
export type WebhookFailureOutcome = (typeof webhookFailureOutcomes)[number];

/** `pending` waits for its next attempt; `delivered`; `failed` gave up after the last retry. */
export const DeliveryStatusSchema = z.enum(["pending", "delivered", "failed"]);

export const NotificationDeliverySchema = z.object({
  id: z.string(),
  /** null for the requester's own e-mail about their request. */
  subscriptionId: z.string().nullable(),
  subscriptionName: z.string(),
  kind: ChannelKindSchema,
  targetDisplay: z.string(),
  event: z.union([NotificationEventSchema, z.literal("test")]),
  vmName: z.string().nullable(),
  status: DeliveryStatusSchema,
  attempts: z.number().int(),
  /** HTTP status of the last attempt (webhooks), when there was one. */
  lastStatusCode: z.number().int().nullable(),
  /** Webhooks: one of `webhookFailureOutcomes` or `http-<status>`; e-mail and unsent deliveries: a short sentence. */
  lastError: z.string().nullable(),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
export type NotificationDelivery = z.infer<typeof NotificationDeliverySchema>;

export const ListDeliveriesQuerySchema = z.object({
  status: DeliveryStatusSchema.optional(),
  subscriptionId: z.string().uuid("must be a subscription id (a UUID)").optional(),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const ListDeliveriesResponseSchema = z.object({ items: z.array(NotificationDeliverySchema) });
export type ListDeliveriesResponse = z.infer<typeof ListDeliveriesResponseSchema>;
