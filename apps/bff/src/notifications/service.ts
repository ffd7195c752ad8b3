import { randomBytes, randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import {
  isUuid,
  tenantScope,
  type CreateNotificationSubscriptionResponse,
  type EventDetailsInput,
  type NotificationDelivery,
  type NotificationEvent,
  type NotificationSubscription,
} from "@portcullis/contract";
import type { AuditContext } from "../lib/audit/audit-context.ts";
import { auditEvent, type AuditRecorder } from "../lib/audit/audit-events.ts";
import type { Access } from "../lib/auth/access.ts";
import { normalizeScope } from "../lib/auth/scope.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import { ConflictError, InputError, NotAllowedError, NotFoundError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { systemClock, type Clock } from "../lib/time/clock.ts";
import type { NotificationPayload } from "./notification-events.ts";
import { emailTargets } from "./queue.ts";
import { createNotificationRepository, toDelivery, toSubscription, type SubscriptionRow } from "./repository.ts";
import { vetHost, type AddressPolicy } from "./address-guard.ts";
import { checkWebhookUrl, targetDisplay } from "./targets.ts";

/** A create body as the contract's schema parsed it. */
export interface CreateSubscriptionInput {
  name: string;
  kind: NotificationSubscription["kind"];
  url?: string | undefined;
  emails?: string[] | undefined;
  toRequester?: boolean | undefined;
  secret?: string | undefined;
  scope: string;
  events: NotificationEvent[];
  enabled: boolean;
}

export interface NotificationServiceDeps {
  db: Kysely<DatabaseSchema>;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  logger: Logger;
  /** The URL and address rules webhook targets must pass. */
  urls: AddressPolicy;
  /** Whether SMTP_URL is set (e-mail subscriptions are refused without it). */
  smtpConfigured: boolean;
  /** Real time (test deliveries are due at once by the delivery job's clock). */
  clock?: Clock;
}

/** How long saving waits for the webhook host to resolve. */
const resolveTimeoutMs = 5_000;


/** 400 naming `id` for a value that cannot be a subscription id (asking the database would fail on the uuid cast). */
export function subscriptionIdOf(raw: unknown): string {
  const id = String(raw ?? "");
  if (!isUuid(id)) throw new InputError("id: must be a subscription id (a UUID)", { details: { problems: [{ field: "id", rule: "must be a subscription id (a UUID)" }] } });
  return id.toLowerCase();
}

function problem(field: string, rule: string): InputError {
  return new InputError(`${field}: ${rule}`, { details: { problems: [{ field, rule }] } });
}

/** What the audit trail keeps about a subscription: never its URL (only scheme and host) nor its signing key. */
type SubscriptionAction = "notification.subscription-added" | "notification.subscription-changed" | "notification.subscription-removed";

function subscriptionDetails(s: NotificationSubscription): EventDetailsInput<SubscriptionAction> {
  return { subscriptionId: s.id, name: s.name, kind: s.kind, targetDisplay: s.targetDisplay, scope: s.scope, events: s.events, enabled: s.enabled, toRequester: s.toRequester };
}

/**
 * Subscriptions (where to send which events) and the delivery log. Admin only: `jit.notifications.read` to see,
 * `jit.notifications.write` to change, each at the subscription's scope (an Admin at `/` covers every scope).
 */
export function createNotificationService(deps: NotificationServiceDeps) {
  const repository = createNotificationRepository(deps.db);
  const clock = deps.clock ?? systemClock;

  async function recordFailure(action: SubscriptionAction, context: AuditContext, details: EventDetailsInput<SubscriptionAction>, error: unknown): Promise<void> {
    try {
      await deps.audit.record(deps.db, auditEvent({ actor: context.actor, outcome: "failure", error: error instanceof Error ? error.message : String(error), correlationId: context.correlationId }, action, details));
    } catch (recordError) {
      deps.logger.error({ err: recordError }, `could not record the audit event of a failed ${action}`);
    }
  }

  /** The subscription when the caller may read it; 404 otherwise (others' subscriptions are not disclosed). */
  async function readable(id: string, access: Access): Promise<SubscriptionRow> {
    const row = await repository.getSubscription(id);
    if (row === null || !access.has("jit.notifications.read", row.scope)) throw new NotFoundError(`No notification subscription ${id}`, { details: { subscriptionId: id } });
    return row;
  }

  function requireWrite(access: Access, scope: string): void {
    if (!access.has("jit.notifications.write", scope)) {
      throw new NotAllowedError(`Missing permission jit.notifications.write at scope ${scope}`, { details: { permission: "jit.notifications.write", scope } });
    }
  }

  /**
   * The target to store (URL or JSON list of addresses) after the rules; 400 naming the field otherwise. A webhook's
   * host must resolve, and only to addresses notifications may reach (checked again before every attempt).
   */
  async function targetOf(input: CreateSubscriptionInput): Promise<string> {
    if (input.kind === "email") {
      if (!deps.smtpConfigured) throw problem("kind", "e-mail needs SMTP_URL configured on the server");
      return JSON.stringify([...new Set((input.emails ?? []).map((a) => a.toLowerCase()))]);
    }
    if (input.url === undefined) throw problem("url", `is required for ${input.kind}`);
    const url = checkWebhookUrl(input.kind, input.url, deps.urls);
    const verdict = await vetHost(url, deps.urls, resolveTimeoutMs);
    if (verdict.kind === "unresolved") throw problem("url", `must name a host that resolves (${url.hostname} does not resolve)`);
    if (verdict.kind === "refused") {
      throw problem("url", `must not resolve to a ${verdict.addressClass} address (notifications go to public addresses only, unless the operator lists the host in NOTIFY_ALLOWED_HOSTS)`);
    }
    return url.href;
  }

  /** What the audit trail keeps about a refused create: the subscription as asked for, its URL as scheme and host only. */
  function attemptDetails(input: CreateSubscriptionInput, scope: string): EventDetailsInput<SubscriptionAction> {
    const target = input.kind === "email" ? JSON.stringify(input.emails ?? []) : (input.url ?? "");
    return { name: input.name, kind: input.kind, targetDisplay: targetDisplay(input.kind, target, input.toRequester === true), scope, events: input.events, enabled: input.enabled };
  }

  return {
    /** Subscriptions at scopes where the caller reads notifications. */
    async list(access: Access): Promise<NotificationSubscription[]> {
      return (await repository.listSubscriptions()).filter((row) => access.has("jit.notifications.read", row.scope)).map(toSubscription);
    },

    /** Stores a subscription; a generic webhook without a secret gets one, returned this once. */
    async create(input: CreateSubscriptionInput, access: Access, context: AuditContext): Promise<CreateNotificationSubscriptionResponse> {
      const scope = normalizeScope(input.scope);
      requireWrite(access, scope);
      const generated = input.kind === "webhook" && input.secret === undefined ? randomBytes(32).toString("base64url") : undefined;
      let row: SubscriptionRow;
      try {
        const target = await targetOf(input);
        row = await deps.db.transaction().execute(async (trx) => {
          const stored = await repository.insertSubscription(
            {
              id: randomUUID(),
              name: input.name,
              kind: input.kind,
              target,
              secret: input.kind === "webhook" ? (input.secret ?? generated ?? null) : null,
              toRequester: input.kind === "email" && input.toRequester === true,
              scope,
              events: [...new Set(input.events)],
              enabled: input.enabled,
              createdAt: clock.now(),
              createdBy: context.actor.name,
            },
            trx,
          );
          await deps.audit.record(trx, { actor: context.actor, action: "notification.subscription-added", outcome: "success", details: subscriptionDetails(toSubscription(stored)), correlationId: context.correlationId });
          return stored;
        });
      } catch (error) {
        await recordFailure("notification.subscription-added", context, attemptDetails(input, scope), error);
        throw error;
      }
      return { subscription: toSubscription(row), ...(generated === undefined ? {} : { secret: generated }) };
    },

    /** Turns a subscription on or off, or changes its events. */
    async update(id: string, change: { enabled?: boolean | undefined; events?: NotificationEvent[] | undefined }, access: Access, context: AuditContext): Promise<NotificationSubscription> {
      const current = await readable(id, access);
      requireWrite(access, current.scope);
      const clean = { ...(change.enabled === undefined ? {} : { enabled: change.enabled }), ...(change.events === undefined ? {} : { events: [...new Set(change.events)] }) };
      try {
        const row = await deps.db.transaction().execute(async (trx) => {
          const updated = await repository.updateSubscription(id, clean, trx);
          if (updated === null) throw new NotFoundError(`No notification subscription ${id}`, { details: { subscriptionId: id } });
          const before = toSubscription(current);
          const after = toSubscription(updated);
          await deps.audit.record(trx, {
            actor: context.actor,
            action: "notification.subscription-changed",
            outcome: "success",
            details: { ...subscriptionDetails(after), before: { enabled: before.enabled, events: before.events } },
            correlationId: context.correlationId,
          });
          return updated;
        });
        return toSubscription(row);
      } catch (error) {
        await recordFailure("notification.subscription-changed", context, { subscriptionId: id, ...clean }, error);
        throw error;
      }
    },

    /** Removes a subscription; its deliveries still waiting are marked failed (not sent). */
    async remove(id: string, access: Access, context: AuditContext): Promise<void> {
      const current = await readable(id, access);
      requireWrite(access, current.scope);
      try {
        await deps.db.transaction().execute(async (trx) => {
          const removed = await repository.deleteSubscription(id, trx);
          if (removed === null) throw new NotFoundError(`No notification subscription ${id}`, { details: { subscriptionId: id } });
          await deps.audit.record(trx, { actor: context.actor, action: "notification.subscription-removed", outcome: "success", details: subscriptionDetails(toSubscription(removed)), correlationId: context.correlationId });
        });
      } catch (error) {
        await recordFailure("notification.subscription-removed", context, { subscriptionId: id }, error);
        throw error;
      }
    },

    /** Queues a `test` delivery to the subscription's target (enabled or not); the delivery job sends it. */
    async test(id: string, access: Access, context: AuditContext): Promise<NotificationDelivery> {
      const subscription = await readable(id, access);
      requireWrite(access, subscription.scope);
      if (subscription.kind === "email" && emailTargets(subscription.target).length === 0) {
        throw new ConflictError("This subscription mails only requesters, so there is no fixed recipient to send a test to", { details: { subscriptionId: id } });
      }
      const now = clock.now();
      const payload: NotificationPayload = {
        auditEventId: null,
        action: null,
        occurredAt: now.toISOString(),
        outcome: "success",
        actor: { oid: context.actor.oid, name: context.actor.name },
        vmId: null,
        vmName: null,
        message: `A test of the notification subscription "${subscription.name}", sent by ${context.actor.name}.`,
        portalPath: "/jit",
      };
      return toDelivery(await repository.insertTestDelivery({ id: randomUUID(), subscription, payload, now }));
    },

    /** The delivery log, newest first: every delivery for tenant readers, else those of subscriptions they read. */
    async deliveries(query: { status?: NotificationDelivery["status"] | undefined; subscriptionId?: string | undefined; pageSize: number }, access: Access): Promise<NotificationDelivery[]> {
      const everything = access.has("jit.notifications.read", tenantScope);
      const visible = everything ? undefined : (await repository.listSubscriptions()).filter((row) => access.has("jit.notifications.read", row.scope)).map((row) => row.id);
      const rows = await repository.listDeliveries({
        limit: query.pageSize,
        ...(query.status === undefined ? {} : { status: query.status }),
        ...(query.subscriptionId === undefined ? {} : { subscriptionId: query.subscriptionId.toLowerCase() }),
        ...(visible === undefined ? {} : { visibleSubscriptions: visible }),
      });
      return rows.map(toDelivery);
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
