import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { AuditRecorder } from "../lib/audit/audit-events.ts";
import type { NotificationsConfig } from "../lib/config.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import type { Logger } from "../lib/logger.ts";
import { systemClock, type Clock } from "../lib/time/clock.ts";
import type { PeriodicJob } from "../scheduler/scheduler.ts";
import { systemResolver, type AddressPolicy, type HostResolver } from "./address-guard.ts";
import { createDeliveryJob, deliveryPeriodicJob, type DeliveryJob, type DeliveryTuning } from "./delivery-job.ts";
import { createExpiryWarningJob, expiryWarningPeriodicJob, type ExpiryWarningJob } from "./expiry-warning-job.ts";
import type { NotificationRouteDeps } from "./routes.ts";
import { createNotificationRepository } from "./repository.ts";
import { createMailer } from "./senders.ts";
import { createNotificationService, type NotificationService } from "./service.ts";

/** Knobs tests turn; production uses the defaults. */
export interface NotificationTuning {
  delivery?: DeliveryTuning;
  /** How often the delivery job runs; default 2 s. */
  deliveryEveryMs?: number;
  /** How often the expiry warning job runs; default 30 s. */
  expiryWarningEveryMs?: number;
  /** Resolves webhook hosts (at save and before each attempt); default: the operating system's resolver. */
  resolveHost?: HostResolver;
}

export interface NotificationDeps {
  db: Kysely<DatabaseSchema>;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  logger: Logger;
  config: NotificationsConfig;
  /** Origin of the portal: links in cards and e-mails. */
  publicUrl: string;
  /** Business time (grants' ends, for the expiry warning). */
  clock?: Clock;
  tuning?: NotificationTuning;
}

export interface Notifications {
  routes: NotificationRouteDeps;
  service: NotificationService;
  /** Run them directly in tests; the scheduler runs `jobs`. */
  delivery: DeliveryJob;
  expiryWarnings: ExpiryWarningJob;
  jobs: PeriodicJob[];
  /** Closes the SMTP transport. */
  close(): void;
}

/** How long the delivery log keeps finished deliveries. */
export const deliveryLogRetentionDays = 30;

/** A periodic job that keeps the delivery log to its last `deliveryLogRetentionDays` days of finished deliveries. */
export function outboxPruningJob(db: Kysely<DatabaseSchema>, logger: Logger, clock: Clock = systemClock): PeriodicJob {
  const repository = createNotificationRepository(db);
  return {
    name: "notification-outbox-prune",
    everyMs: 3600_000,
    async run() {
      const pruned = await repository.pruneFinished(new Date(clock.now().getTime() - deliveryLogRetentionDays * 24 * 3600_000));
      if (pruned > 0) logger.info({ pruned }, "pruned finished notification deliveries");
      return pruned;
    },
  };
}

/** Subscriptions and the delivery log (routes), and the jobs: delivery (every 2 s), the expiry warning (every 30 s), pruning (hourly). */
export function assembleNotifications(deps: NotificationDeps): Notifications {
  const { config } = deps;
  const delivery = deps.tuning?.delivery ?? {};
  const deliveryClock = delivery.clock ?? systemClock;
  const mailer =
    config.smtpUrl === undefined || config.smtpFrom === undefined ? null : createMailer({ smtpUrl: config.smtpUrl, from: config.smtpFrom, timeoutMs: delivery.timeoutMs ?? 10_000 });
  const addresses: AddressPolicy = { allowHttpLocalhost: config.allowHttpLocalhost, allowedHosts: new Set(config.allowedHosts), resolve: deps.tuning?.resolveHost ?? systemResolver };
  const service = createNotificationService({
    db: deps.db,
    audit: deps.audit,
    logger: deps.logger,
    urls: addresses,
    smtpConfigured: mailer !== null,
    clock: deliveryClock,
  });
  const deliveryJob = createDeliveryJob({ db: deps.db, audit: deps.audit, logger: deps.logger, render: { publicUrl: deps.publicUrl }, mailer, addresses, instanceId: randomUUID(), tuning: delivery });
  const expiryWarnings = createExpiryWarningJob({ db: deps.db, logger: deps.logger, clock: deps.clock ?? systemClock, deliveryClock });
  return {
    routes: { service },
    service,
    delivery: deliveryJob,
    expiryWarnings,
    jobs: [
      deliveryPeriodicJob(deliveryJob, deps.tuning?.deliveryEveryMs),
      expiryWarningPeriodicJob(expiryWarnings, deps.tuning?.expiryWarningEveryMs),
      outboxPruningJob(deps.db, deps.logger, deliveryClock),
    ],
    close() {
      mailer?.close();
    },
  };
}
