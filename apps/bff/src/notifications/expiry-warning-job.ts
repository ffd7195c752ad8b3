import { sql, type Kysely, type Selectable } from "kysely";
import type { DatabaseSchema, JitGrantTable } from "../lib/db/schema.ts";
import type { Logger } from "../lib/logger.ts";
import { grantAuditDetails, type GrantRecord } from "../requests/grant-record.ts";
import { toRecord } from "../requests/grant-rows.ts";
import { systemClock, type Clock } from "../lib/time/clock.ts";
import { schedulerActor } from "../scheduler/expiry-job.ts";
import type { PeriodicJob } from "../scheduler/scheduler.ts";
import { detailFacts, emailOf, type PendingNotification } from "./notification-events.ts";
import { queueNotifications } from "./queue.ts";

export interface ExpiryWarningDeps {
  db: Kysely<DatabaseSchema>;
  logger: Logger;
  /** Business time: grants' ends are compared with it. */
  clock: Clock;
  /** Real time of the queued deliveries (when the delivery job may send them). */
  deliveryClock?: Clock;
  /** How long before the end the warning goes out; default 10 minutes. */
  windowMs?: number;
  /** Grants warned per transaction; default 500. */
  batchLimit?: number;
}

/** The `request.expiring` notification of one grant about to end. */
export function expiringNotification(grant: GrantRecord, now: Date): PendingNotification {
  const facts = detailFacts(grantAuditDetails(grant, { endsAt: grant.endsAt.toISOString() }));
  return {
    event: "request.expiring",
    vmId: grant.vmId.toLowerCase(),
    vmName: grant.vmName,
    payload: {
      auditEventId: null,
      action: null,
      occurredAt: now.toISOString(),
      outcome: "success",
      actor: { oid: schedulerActor.oid, name: schedulerActor.name },
      vmId: grant.vmId.toLowerCase(),
      vmName: grant.vmName,
      ...facts,
      portalPath: "/jit",
    },
    requesterEmail: emailOf(grant.requesterUsername),
  };
}

/**
 * The 10-minute warning: open grants ending within the window and not yet warned are marked (`expiry_warned_at`)
 * and their `request.expiring` deliveries queued in the same transaction, so each grant is warned once across
 * replicas (rows another transaction holds are skipped and taken on the next run). Extending a grant clears the
 * mark, so a grant extended past the window is warned again before its new end.
 */
export function createExpiryWarningJob(deps: ExpiryWarningDeps) {
  const windowMs = deps.windowMs ?? 10 * 60_000;
  const limit = deps.batchLimit ?? 500;
  const deliveryClock = deps.deliveryClock ?? systemClock;
  return {
    /** Returns how many grants were warned. */
    async run(): Promise<number> {
      const now = deps.clock.now();
      const until = new Date(now.getTime() + windowMs);
      const warned = await deps.db.transaction().execute(async (trx) => {
        const result = await sql<Selectable<JitGrantTable>>`
          update jit_grant set expiry_warned_at = ${now}
          where id in (
            select id from jit_grant
            where status = 'open' and expiry_warned_at is null and ends_at > ${now} and ends_at <= ${until}
            order by ends_at
            limit ${limit}
            for update skip locked
          )
          returning *`.execute(trx);
        const grants = result.rows.map(toRecord);
        await queueNotifications(trx, grants.map((g) => expiringNotification(g, now)), deliveryClock.now());
        return grants.length;
      });
      if (warned > 0) deps.logger.info({ grants: warned }, "expiry warnings queued");
      return warned;
    },
  };
}

export type ExpiryWarningJob = ReturnType<typeof createExpiryWarningJob>;

export function expiryWarningPeriodicJob(job: ExpiryWarningJob, everyMs = 30_000): PeriodicJob {
  return { name: "notification-expiry-warning", run: () => job.run(), everyMs };
}
