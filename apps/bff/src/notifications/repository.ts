import { sql, type Kysely, type Selectable } from "kysely";
import type { NotificationDelivery, NotificationEvent, NotificationSubscription } from "@portcullis/contract";
import type { DatabaseSchema, NotificationOutboxTable, NotificationSubscriptionTable } from "../lib/db/schema.ts";
import type { NotificationPayload, OutboxEvent } from "./notification-events.ts";
import { jsonOf, subscribedEvents } from "./queue.ts";
import { targetDisplay } from "./targets.ts";

type Db = Kysely<DatabaseSchema>;
export type SubscriptionRow = Selectable<NotificationSubscriptionTable>;
export type OutboxRow = Selectable<NotificationOutboxTable>;

export interface NewSubscription {
  id: string;
  name: string;
  kind: NotificationSubscription["kind"];
  /** URL, or JSON array of addresses. */
  target: string;
  secret: string | null;
  toRequester: boolean;
  scope: string;
  events: NotificationEvent[];
  enabled: boolean;
  createdAt: Date;
  createdBy: string;
}

/** A claimed row with what delivering it needs (the subscription's signing key for generic webhooks). */
export interface ClaimedDelivery {
  row: OutboxRow;
  secret: string | null;
}

export interface DeliveryFilter {
  status?: NotificationDelivery["status"];
  subscriptionId?: string;
  /** Only rows of these subscriptions (a caller who reads at some scopes only); undefined: all. */
  visibleSubscriptions?: readonly string[];
  limit: number;
}

export function toSubscription(row: SubscriptionRow): NotificationSubscription {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    targetDisplay: targetDisplay(row.kind, row.target, row.to_requester),
    scope: row.scope,
    events: subscribedEvents(row.events) as NotificationEvent[],
    enabled: row.enabled,
    toRequester: row.to_requester,
    signed: row.kind === "webhook",
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
  };
}

export function payloadOf(row: Pick<OutboxRow, "payload">): NotificationPayload {
  return jsonOf(row.payload) as NotificationPayload;
}

export function toDelivery(row: OutboxRow): NotificationDelivery {
  const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    subscriptionName: row.subscription_name,
    kind: row.kind,
    targetDisplay: targetDisplay(row.kind, row.target, false),
    event: row.event as OutboxEvent,
    vmName: row.vm_name,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: new Date(row.created_at).toISOString(),
    nextAttemptAt: row.status === "pending" ? iso(row.next_attempt_at) : null,
    deliveredAt: iso(row.delivered_at),
  };
}

/** What one attempt did: delivered, or failed (and when it is due again; null: never, the row is `failed`). */
export type AttemptResult =
  | { id: string; attempt: number; ok: true; statusCode: number | null; at: Date }
  | { id: string; attempt: number; ok: false; statusCode: number | null; error: string; at: Date; nextAttemptAt: Date | null };

export function createNotificationRepository(db: Db) {
  return {
    async listSubscriptions(): Promise<SubscriptionRow[]> {
      return db.selectFrom("notification_subscription").selectAll().orderBy("created_at").orderBy("id").execute();
    },

    async getSubscription(id: string, trx: Db = db): Promise<SubscriptionRow | null> {
      return (await trx.selectFrom("notification_subscription").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
    },

    async insertSubscription(s: NewSubscription, trx: Db = db): Promise<SubscriptionRow> {
      return trx
        .insertInto("notification_subscription")
        .values({
          id: s.id,
          name: s.name,
          kind: s.kind,
          target: s.target,
          secret: s.secret,
          to_requester: s.toRequester,
          scope: s.scope,
          events: JSON.stringify(s.events),
          enabled: s.enabled,
          created_at: s.createdAt,
          created_by: s.createdBy,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async updateSubscription(id: string, change: { enabled?: boolean; events?: readonly NotificationEvent[] }, trx: Db): Promise<SubscriptionRow | null> {
      const row = await trx
        .updateTable("notification_subscription")
        .set({ ...(change.enabled === undefined ? {} : { enabled: change.enabled }), ...(change.events === undefined ? {} : { events: JSON.stringify(change.events) }) })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
      return row ?? null;
    },

    /** Removes the subscription; its deliveries still waiting will not be sent (their log says why). */
    async deleteSubscription(id: string, trx: Db): Promise<SubscriptionRow | null> {
      const row = await trx.deleteFrom("notification_subscription").where("id", "=", id).returningAll().executeTakeFirst();
      if (row === undefined) return null;
      await trx
        .updateTable("notification_outbox")
        .set({ status: "failed", last_error: "not sent: the subscription was removed", next_attempt_at: null, claimed_by: null, lease_until: null })
        .where("subscription_id", "=", id)
        .where("status", "=", "pending")
        .execute();
      return row;
    },

    async insertTestDelivery(row: { id: string; subscription: SubscriptionRow; payload: NotificationPayload; now: Date }): Promise<OutboxRow> {
      return db
        .insertInto("notification_outbox")
        .values({
          id: row.id,
          subscription_id: row.subscription.id,
          subscription_name: row.subscription.name,
          kind: row.subscription.kind,
          target: row.subscription.target,
          event: "test",
          vm_name: null,
          payload: JSON.stringify(row.payload),
          status: "pending",
          next_attempt_at: row.now,
          created_at: row.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async listDeliveries(filter: DeliveryFilter): Promise<OutboxRow[]> {
      if (filter.visibleSubscriptions !== undefined && filter.visibleSubscriptions.length === 0) return [];
      let query = db.selectFrom("notification_outbox").selectAll();
      if (filter.status !== undefined) query = query.where("status", "=", filter.status);
      if (filter.subscriptionId !== undefined) query = query.where("subscription_id", "=", filter.subscriptionId);
      if (filter.visibleSubscriptions !== undefined) query = query.where("subscription_id", "in", [...filter.visibleSubscriptions]);
      return query.orderBy("created_at", "desc").orderBy("id", "desc").limit(filter.limit).execute();
    },

    /** Deletes finished deliveries (delivered or failed) created before `before`; pending ones stay whatever their age. Returns how many. */
    async pruneFinished(before: Date): Promise<number> {
      const deleted = await db.deleteFrom("notification_outbox").where("status", "in", ["delivered", "failed"]).where("created_at", "<", before).returning("id").execute();
      return deleted.length;
    },

    async getDelivery(id: string): Promise<OutboxRow | null> {
      return (await db.selectFrom("notification_outbox").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
    },

    /**
     * Claims due rows for this process: pending, due, and not leased by a live claim. `FOR UPDATE SKIP LOCKED`
     * lets replicas claim at once without taking the same row; the lease hands a row to another process only if
     * this one stops (lease over) before recording the attempt.
     */
    async claimDue(claimedBy: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
      return db.transaction().execute(async (trx) => {
        const result = await sql<OutboxRow>`
          update notification_outbox set claimed_by = ${claimedBy}, lease_until = ${leaseUntil}
          where id in (
            select id from notification_outbox
            where status = 'pending' and next_attempt_at <= ${now} and (lease_until is null or lease_until <= ${now})
            order by next_attempt_at, id
            limit ${limit}
            for update skip locked
          )
          returning *`.execute(trx);
        const rows = result.rows;
        const webhookSubscriptions = [...new Set(rows.filter((r) => r.kind === "webhook" && r.subscription_id !== null).map((r) => r.subscription_id as string))];
        const secrets = new Map<string, string | null>();
        if (webhookSubscriptions.length > 0) {
          const found = await trx.selectFrom("notification_subscription").select(["id", "secret"]).where("id", "in", webhookSubscriptions).execute();
          for (const s of found) secrets.set(s.id, s.secret);
        }
        return rows.map((row) => ({ row, secret: row.subscription_id === null ? null : (secrets.get(row.subscription_id) ?? null) }));
      });
    },

    /** Records attempts of rows still leased to `claimedBy`, with `alsoIn` (the failures' audit events) in the same transaction. */
    async recordAttempts(claimedBy: string, results: readonly AttemptResult[], alsoIn: (trx: Db, changed: OutboxRow[]) => Promise<void>): Promise<OutboxRow[]> {
      if (results.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const changed: OutboxRow[] = [];
        for (const result of results) {
          const base = { attempts: result.attempt, last_status_code: result.statusCode, claimed_by: null, lease_until: null };
          const set = result.ok
            ? { ...base, status: "delivered" as const, delivered_at: result.at, last_error: null, next_attempt_at: null }
            : { ...base, status: result.nextAttemptAt === null ? ("failed" as const) : ("pending" as const), last_error: result.error, next_attempt_at: result.nextAttemptAt };
          const row = await trx.updateTable("notification_outbox").set(set).where("id", "=", result.id).where("claimed_by", "=", claimedBy).where("status", "=", "pending").returningAll().executeTakeFirst();
          if (row !== undefined) changed.push(row);
        }
        await alsoIn(trx, changed);
        return changed;
      });
    },
  };
}

export type NotificationRepository = ReturnType<typeof createNotificationRepository>;
