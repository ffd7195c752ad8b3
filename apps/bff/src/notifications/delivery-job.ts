import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { jittered } from "@portcullis/core";
import type { AuditActor, AuditEventInput, AuditRecorder } from "../lib/audit/audit-events.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import type { Logger } from "../lib/logger.ts";
import { systemClock, type Clock } from "../lib/time/clock.ts";
import type { PeriodicJob } from "../scheduler/scheduler.ts";
import { renderSlack, renderTeams } from "./render-chat.ts";
import { renderEmail } from "./render-email.ts";
import type { OutboxMessage, RenderContext } from "./render-text.ts";
import { renderWebhook } from "./render-webhook.ts";
import { emailTargets } from "./queue.ts";
import { createNotificationRepository, payloadOf, type AttemptResult, type ClaimedDelivery, type OutboxRow } from "./repository.ts";
import type { AddressPolicy } from "./address-guard.ts";
import type { Mailer, SendOutcome } from "./senders.ts";
import { postWebhook, type WebhookClient } from "./webhook-post.ts";

/** Knobs tests turn; production uses the defaults. */
export interface DeliveryTuning {
  /** One attempt's deadline (connect, send, answer); default 10 s. */
  timeoutMs?: number;
  /** Wait after the 1st, 2nd, ... failed attempt (the last value repeats), each jittered by ±20 %. */
  retryDelaysMs?: readonly number[];
  /** Attempts before a delivery is `failed`; default 8. */
  maxAttempts?: number;
  /** Deliveries under way at once per process; default 10. */
  concurrency?: number;
  /** Random source of the jitter (0 to 1); tests pin it. */
  random?: () => number;
  /** Time of claims, attempts and retries: real time (not the business clock), so deliveries are never held back. */
  clock?: Clock;
  /** The CA webhook connections trust instead of the system's (a local HTTPS receiver in tests). */
  tlsCa?: string;
}

export const defaultRetryDelaysMs = [10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3_600_000] as const;
const defaultMaxAttempts = 8;

export interface DeliveryJobDeps {
  db: Kysely<DatabaseSchema>;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  logger: Logger;
  render: RenderContext;
  /** Null without SMTP_URL (e-mail deliveries then fail with that reason). */
  mailer: Mailer | null;
  /** Where webhook, Teams and Slack deliveries may connect (checked again before every attempt). */
  addresses: AddressPolicy;
  /** This process's id: the holder of its leases. */
  instanceId?: string;
  tuning?: DeliveryTuning;
}

export interface DeliveryReport {
  claimed: number;
  delivered: number;
  failed: number;
}

/** Who records failed deliveries in the activity log. */
export const notificationsActor: AuditActor = { oid: "portcullis", name: "Portcullis notifications", ip: null };

/**
 * Sends what the outbox holds, on the scheduler's own loop (never inside a grant's transaction, so a slow or
 * dead endpoint holds up nothing but its own deliveries). Each round claims up to `concurrency` due rows (leased,
 * `FOR UPDATE SKIP LOCKED`: one process per row across replicas), attempts them in parallel, and records every
 * result; a failure is due again after a backoff and is a `notification.failed` event.
 */
export function createDeliveryJob(deps: DeliveryJobDeps) {
  const tuning = deps.tuning ?? {};
  const timeoutMs = tuning.timeoutMs ?? 10_000;
  const delays = tuning.retryDelaysMs ?? defaultRetryDelaysMs;
  const maxAttempts = tuning.maxAttempts ?? defaultMaxAttempts;
  const concurrency = tuning.concurrency ?? 10;
  const random = tuning.random ?? Math.random;
  const clock = tuning.clock ?? systemClock;
  const instanceId = deps.instanceId ?? randomUUID();
  // Long enough for a whole round (every attempt of it runs in parallel, each bounded by the timeout).
  const leaseMs = timeoutMs * 3 + 30_000;
  const repository = createNotificationRepository(deps.db);
  const client: WebhookClient = { timeoutMs, addresses: deps.addresses, ...(tuning.tlsCa === undefined ? {} : { tlsCa: tuning.tlsCa }) };

  function backoffMs(attempt: number): number {
    const base = delays[Math.min(attempt, delays.length) - 1] ?? delays.at(-1) ?? 60_000;
    return jittered(base, 0.2, random);
  }

  async function attempt(claimed: ClaimedDelivery): Promise<SendOutcome> {
    const { row, secret } = claimed;
    const message: OutboxMessage = { id: row.id, event: row.event as OutboxMessage["event"], payload: payloadOf(row) };
    switch (row.kind) {
      case "webhook":
        if (secret === null) return { ok: false, statusCode: null, error: "not sent: the subscription and its signing key were removed", permanent: true };
        return postWebhook(row.target, renderWebhook(message, deps.render, secret, clock.now()), client);
      case "teams":
        return postWebhook(row.target, renderTeams(message, deps.render), client);
      case "slack":
        return postWebhook(row.target, renderSlack(message, deps.render), client);
      case "email":
        if (deps.mailer === null) return { ok: false, statusCode: null, error: "not sent: SMTP_URL is not configured on the server", permanent: true };
        return deps.mailer.send(emailTargets(row.target), renderEmail(message, deps.render));
    }
  }

  /** The attempt's result, and its diagnostic for the server log (which the delivery log and the audit trail never get). */
  async function settle(claimed: ClaimedDelivery): Promise<{ result: AttemptResult; diagnostic: string | undefined }> {
    let outcome: SendOutcome;
    try {
      outcome = await attempt(claimed);
    } catch (error) {
      // A renderer or sender bug must not leave the row leased; its message names no secret (the URL is never in it).
      deps.logger.error({ err: error, deliveryId: claimed.row.id }, "delivering a notification threw");
      outcome = { ok: false, statusCode: null, error: "the delivery failed inside Portcullis (see the server log)" };
    }
    const at = clock.now();
    const number = claimed.row.attempts + 1;
    if (outcome.ok) return { result: { id: claimed.row.id, attempt: number, ok: true, statusCode: outcome.statusCode, at }, diagnostic: undefined };
    const nextAttemptAt = outcome.permanent === true || number >= maxAttempts ? null : new Date(at.getTime() + backoffMs(number));
    return { result: { id: claimed.row.id, attempt: number, ok: false, statusCode: outcome.statusCode, error: outcome.error ?? "failed", at, nextAttemptAt }, diagnostic: outcome.diagnostic };
  }

  async function auditFailures(trx: Kysely<DatabaseSchema>, changed: readonly OutboxRow[], results: ReadonlyMap<string, AttemptResult>): Promise<void> {
    const events = changed.flatMap((row): AuditEventInput[] => {
      const result = results.get(row.id);
      if (result === undefined || result.ok) return [];
      const payload = payloadOf(row);
      return [
        {
          actor: notificationsActor,
          action: "notification.failed" as const,
          outcome: "failure" as const,
          vmId: payload.vmId,
          details: {
            deliveryId: row.id,
            subscriptionId: row.subscription_id,
            subscriptionName: row.subscription_name,
            kind: row.kind,
            event: row.event,
            attempt: result.attempt,
            statusCode: result.statusCode,
            willRetry: result.nextAttemptAt !== null,
            nextAttemptAt: result.nextAttemptAt?.toISOString() ?? null,
            ...(payload.vmName === null ? {} : { vmName: payload.vmName }),
          },
          error: result.error,
        },
      ];
    });
    await deps.audit.recordAll(trx, events);
  }

  async function round(): Promise<DeliveryReport> {
    const now = clock.now();
    const claimed = await repository.claimDue(instanceId, now, new Date(now.getTime() + leaseMs), concurrency);
    if (claimed.length === 0) return { claimed: 0, delivered: 0, failed: 0 };
    const settled = await Promise.all(claimed.map(settle));
    const results = settled.map((s) => s.result);
    const byId = new Map(results.map((r) => [r.id, r]));
    const diagnostics = new Map(settled.map((s) => [s.result.id, s.diagnostic]));
    const changed = await repository.recordAttempts(instanceId, results, (trx, rows) => auditFailures(trx, rows, byId));
    for (const row of changed) {
      if (row.status !== "delivered") deps.logger.warn({ deliveryId: row.id, subscription: row.subscription_name, event: row.event, attempt: row.attempts, status: row.status, error: row.last_error, diagnostic: diagnostics.get(row.id) }, "a notification delivery failed");
    }
    return { claimed: claimed.length, delivered: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length };
  }

  return {
    /** Delivers what is due, round after round, until a round finds less than a full batch. */
    async run(): Promise<DeliveryReport> {
      const report: DeliveryReport = { claimed: 0, delivered: 0, failed: 0 };
      for (let rounds = 0; rounds < 100; rounds++) {
        const done = await round();
        report.claimed += done.claimed;
        report.delivered += done.delivered;
        report.failed += done.failed;
        if (done.claimed < concurrency) break;
      }
      return report;
    },
  };
}

export type DeliveryJob = ReturnType<typeof createDeliveryJob>;

/** The delivery job as the scheduler runs it (every 2 s). */
export function deliveryPeriodicJob(job: DeliveryJob, everyMs = 2_000): PeriodicJob {
  return { name: "notification-delivery", run: () => job.run(), everyMs };
}
