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

/**
 * Grants claimed per round. One process takes a whole second's worth of ends, so each NSG is written once for all
 * of them (subnet NSGs are shared by many VMs: splitting the work across replicas would write them once per share).
 */
const defaultBatchLimit = 1_000;

/** A sweep started this long after an end second finds the grant due on every replica's clock. */
const endSlackMs = 20;

/** Who closes expired grants in the audit trail. */
export const schedulerActor: AuditActor = { oid: "portcullis", name: "Portcullis scheduler", ip: null };

/**
 * Closes what is due: open grants past their end, closes that failed and are due again, and grants whose
 * process stopped while working on them (lease over). Each round claims in one transaction (exactly once
 * across replicas), then closes NSG by NSG (one write per NSG for all its due grants).
 */
export function createExpiryJob(deps: ExpiryJobDeps) {
  const leaseMs = deps.leaseMs ?? defaultLeaseMs;
  const limit = deps.batchLimit ?? defaultBatchLimit;
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

    /**
     * Milliseconds until the next open grant ends (its end second plus a few milliseconds), or null when none
     * ends in the future: the scheduler starts the next sweep then, so closes do not wait for the interval's tick.
     */
    async msUntilNextEnd(): Promise<number | null> {
      const now = deps.clock.now();
      const next = await deps.grants.nextEndAfter(now);
      return next === null ? null : next.getTime() - now.getTime() + endSlackMs;
    },

    /** PGlite only (one process per database): leases held by an earlier process end now, so its work is taken over. */
    async takeOverStoppedProcesses(): Promise<number> {
      return deps.grants.endForeignLeases(deps.instanceId, deps.clock.now());
    },
  };
}

export type ExpiryJob = ReturnType<typeof createExpiryJob>;
