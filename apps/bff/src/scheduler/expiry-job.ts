import type { AuditActor } from "../lib/audit/audit-events.ts";
import type { Logger } from "../lib/logger.ts";
import type { GrantCloser } from "../requests/grant-closer.ts";
import type { GrantRepository } from "../requests/repository.ts";
import { defaultLeaseMs } from "../requests/service.ts";
import type { Clock } from "./clock.ts";

export interface ExpiryJobDeps {
  grants: GrantRepository;
  closer: GrantCloser;
  clock: Clock;
  instanceId: string;
  logger: Logger;
  /** How long a claim holds before another replica may take it over; default 5 minutes. */
  leaseMs?: number;
  /** Grants claimed per round; default 1,000. */
  batchLimit?: number;
}

export interface SweepReport {
  claimed: number;
  closed: number;
  retried: number;
}

/** Who closes expired grants in the audit trail. */
export const schedulerActor: AuditActor = { oid: "portcullis", name: "Portcullis scheduler", ip: null };

/**
 * Closes what is due: open grants past their end, closes that failed and are due again, and grants whose
 * process stopped while working on them (lease over). Each round claims in one transaction (exactly once
 * across replicas), then closes NSG by NSG (one write per NSG for all its due grants).
 */
export function createExpiryJob(deps: ExpiryJobDeps) {
  const leaseMs = deps.leaseMs ?? defaultLeaseMs;
  const limit = deps.batchLimit ?? 1_000;
  return {
    async sweep(): Promise<SweepReport> {
      const report: SweepReport = { claimed: 0, closed: 0, retried: 0 };
      for (;;) {
        const now = deps.clock.now();
        const claimed = await deps.grants.claimDue({ claimedBy: deps.instanceId, now, until: new Date(now.getTime() + leaseMs) }, limit);
        if (claimed.length === 0) break;
        const result = await deps.closer.close(claimed, schedulerActor);
        report.claimed += claimed.length;
        report.closed += result.closed.length;
        report.retried += result.failed.length;
        if (claimed.length < limit) break;
      }
      if (report.claimed > 0) deps.logger.info({ ...report }, "expiry sweep");
      return report;
    },

    /** PGlite only (one process per database): leases held by an earlier process end now, so its work is taken over. */
    async takeOverStoppedProcesses(): Promise<number> {
      return deps.grants.endForeignLeases(deps.instanceId, deps.clock.now());
    },
  };
}

export type ExpiryJob = ReturnType<typeof createExpiryJob>;
