/**
 * The transactional outbox: notifications are queued as `notification_outbox` rows in the transaction of the
 * change they announce, so a delivery exists exactly when the change committed (and the delivery job, on its own
 * loop, sends it later). Subscribed to the audit trail for every appended batch, and called by the expiry warning job.
 */
import { randomUUID } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import { NotificationEventSchema } from "@portcullis/contract";
import { scopeCovers, scopeSegments } from "../lib/auth/scope.ts";
import type { DatabaseSchema, NotificationSubscriptionTable } from "../lib/db/schema.ts";
import type { AppendedAuditEvent } from "../lib/audit/audit-events.ts";
import { notificationFor, type NotificationPayload, type PendingNotification } from "./notification-events.ts";
import { jsonValue } from "../lib/db/row-values.ts";

type Db = Kysely<DatabaseSchema>;
type SubscriptionRow = Pick<Selectable<NotificationSubscriptionTable>, "id" | "name" | "kind" | "target" | "to_requester" | "scope" | "events">;

const insertChunk = 200;

/** jsonb comes back parsed; an older driver gives a string. */
export const jsonOf = jsonValue;

export function subscribedEvents(value: unknown): string[] {
  const parsed = jsonOf(value);
  return Array.isArray(parsed) ? parsed.filter((e): e is string => NotificationEventSchema.safeParse(e).success) : [];
}

/** E-mail targets are stored as a JSON array of addresses. */
export function emailTargets(target: string): string[] {
  const parsed = jsonOf(target);
  return Array.isArray(parsed) ? parsed.filter((a): a is string => typeof a === "string") : [];
}

/**
 * Whether a subscription at `scope` hears about an event on `vmId`: its scope is the VM or one of its ancestors,
 * compared segment by segment, case-insensitively. Events about no VM (NSG-wide drift) reach only scope `/`.
 */
export function scopeMatches(scope: string, vmId: string | null): boolean {
  const outer = scopeSegments(scope);
  if (vmId === null) return outer.length === 0;
  return scopeCovers(outer, scopeSegments(vmId));
}

export interface OutboxInsert {
  id: string;
  subscription_id: string | null;
  subscription_name: string;
  kind: SubscriptionRow["kind"];
  target: string;
  event: string;
  vm_name: string | null;
  payload: string;
  status: "pending";
  next_attempt_at: Date;
  created_at: Date;
}

/** The outbox rows for notifications and the enabled subscriptions (pure: the caller loaded the subscriptions). */
export function outboxRowsFor(notifications: readonly PendingNotification[], subscriptions: readonly SubscriptionRow[], now: Date): OutboxInsert[] {
  const rows: OutboxInsert[] = [];
  const row = (subscription: SubscriptionRow, n: PendingNotification, target: string, payload: NotificationPayload, toRequester: boolean): OutboxInsert => ({
    id: randomUUID(),
    // The requester's own copy belongs to no subscription's log (the contract's `subscriptionId: null`).
    subscription_id: toRequester ? null : subscription.id,
    subscription_name: toRequester ? `${subscription.name} (to the requester)` : subscription.name,
    kind: subscription.kind,
    target,
    event: n.event,
    vm_name: n.vmName,
    payload: JSON.stringify(payload),
    status: "pending",
    next_attempt_at: now,
    created_at: now,
  });
  for (const subscription of subscriptions) {
    const events = subscribedEvents(subscription.events);
    for (const n of notifications) {
      if (!events.includes(n.event) || !scopeMatches(subscription.scope, n.vmId)) continue;
      const listed = subscription.kind === "email" ? emailTargets(subscription.target) : [];
      if (subscription.kind !== "email" || listed.length > 0) rows.push(row(subscription, n, subscription.target, n.payload, false));
      const requester = n.requesterEmail;
      if (subscription.kind === "email" && subscription.to_requester && requester !== null && !listed.some((a) => a.toLowerCase() === requester)) {
        rows.push(row(subscription, n, JSON.stringify([requester]), { ...n.payload, portalPath: "/my-access" }, true));
      }
    }
  }
  return rows;
}

/** Queues the notifications for every enabled subscription that hears them: one subscription query, then the inserts. */
export async function queueNotifications(trx: Db, notifications: readonly PendingNotification[], now: Date): Promise<number> {
  if (notifications.length === 0) return 0;
  const subscriptions = await trx.selectFrom("notification_subscription").select(["id", "name", "kind", "target", "to_requester", "scope", "events"]).where("enabled", "=", true).execute();
  const rows = outboxRowsFor(notifications, subscriptions, now);
  for (let start = 0; start < rows.length; start += insertChunk) await trx.insertInto("notification_outbox").values(rows.slice(start, start + insertChunk)).execute();
  return rows.length;
}

/**
 * The audit trail's subscriber (the composition root registers it; lib/audit runs it last in the appending
 * transaction): events that notify nothing cost no query at all; a batch that does costs one subscription query
 * plus the inserts.
 */
export async function queueNotificationsForAudit(trx: Db, events: readonly AppendedAuditEvent[]): Promise<void> {
  const notifications = events.flatMap((e) => {
    const n = notificationFor(e);
    return n === null ? [] : [n];
  });
  if (notifications.length === 0) return;
  // Due at once by this process's clock, the one the delivery job compares `next_attempt_at` with.
  await queueNotifications(trx, notifications, new Date());
}
