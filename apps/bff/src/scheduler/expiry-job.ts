import type { AuditActor } from "../lib/audit/audit-events.ts";
import type { Logger } from "../lib/logger.ts";
import type { GrantCloser } from "../requests/grant-closer.ts";
import type { GrantRepository } from "../requests/repository.ts";
import { defaultLeaseMs } from "../requests/service.ts";
import type { Clock } from "../lib/time/clock.ts";

export interface ExpiryJobDeps {
  grants: GrantRepository;
  closer: GrantCloser;
  clock: Clock;
  instanceId: string;
  logger: Logger;
  /** How long a claim holds before another replica may take it over even while this one is alive; default 5 minutes. */
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
 * process stopped while working on them (it shut down, its heartbeat went stale, or its lease ran out). Each
 * round claims in one transaction (exactly once across replicas), then closes NSG by NSG (grant-closer.ts).
 *
 * `dispatch` (the scheduler's) starts the closes and returns at once: closes still under way (a slow NSG) never
 * hold up claiming what becomes due next. `sweep` waits for its closes (start-up, tests).
 */
export function createExpiryJob(deps: ExpiryJobDeps) {
  const leaseMs = deps.leaseMs ?? defaultLeaseMs;
  const limit = deps.batchLimit ?? defaultBatchLimit;
  const inFlight = new Set<Promise<unknown>>();

  async function claimRounds(onClaimed: (claimed: Awaited<ReturnType<GrantRepository["claimDue"]>>) => void): Promise<number> {
    let total = 0;
    for (;;) {
      const now = deps.clock.now();
      const claimed = await deps.grants.claimDue({ claimedBy: deps.instanceId, now, until: new Date(now.getTime() + leaseMs) }, limit);
      if (claimed.length === 0) break;
      total += claimed.length;
      onClaimed(claimed);
      if (claimed.length < limit) break;
    }
    return total;
  }

  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    void work.then(
      () => inFlight.delete(work),
      () => inFlight.delete(work),
    );
    return work;
  }

  return {
    /** Claims what is due and closes it, waiting for the closes; returns what happened. */
    async sweep(): Promise<SweepReport> {
      const report: SweepReport = { claimed: 0, closed: 0, retried: 0 };
      const closes: Array<Promise<void>> = [];
      let claimError: { error: unknown } | undefined;
      try {
        report.claimed = await claimRounds((claimed) => {
          closes.push(
            track(deps.closer.close(claimed, schedulerActor)).then((result) => {
              report.closed += result.closed.length;
              report.retried += result.failed.length;
            }),
          );
        });
      } catch (error) {
        claimError = { error };
      }
      // Every close started is awaited (and its failure seen) even when a later claim failed.
      const settled = await Promise.allSettled(closes);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed !== undefined) throw failed.reason;
      if (claimError !== undefined) throw claimError.error;
      if (report.claimed > 0) deps.logger.info({ ...report }, "expiry sweep");
      return report;
    },

    /** Claims what is due and starts closing it without waiting (closes under way are tracked for shutdown). */
    async dispatch(): Promise<number> {
      return claimRounds((claimed) => {
        const started = Date.now();
        track(deps.closer.close(claimed, schedulerActor)).then(
          (result) => deps.logger.info({ claimed: claimed.length, closed: result.closed.length, retried: result.failed.length, ms: Date.now() - started }, "expiry closes"),
          (error: unknown) => deps.logger.error({ err: error, claimed: claimed.length }, "recording closes failed; the grants are taken over when their claim ends"),
        );
      });
    },

    /** Waits for the closes under way (a clean shutdown gives them their time). */
    async drain(): Promise<void> {
      await Promise.allSettled([...inFlight]);
    },

    /** How many closes are under way. */
    busy(): number {
      return inFlight.size;
    },

    /**
     * Milliseconds until something becomes due (an open grant's end second plus a few milliseconds, or a close's
     * retry time), or null when nothing will: the scheduler runs the next round then rather than at its tick.
     */
    async msUntilNextDue(): Promise<number | null> {
      const now = deps.clock.now();
      const next = await deps.grants.nextDueAfter(now);
      return next === null ? null : next.getTime() - now.getTime() + endSlackMs;
    },

    /** PGlite only (one process per database): leases held by an earlier process end now, so its work is taken over. */
    async takeOverStoppedProcesses(): Promise<number> {
      return deps.grants.endForeignLeases(deps.instanceId, deps.clock.now());
    },
  };
}

export type ExpiryJob = ReturnType<typeof createExpiryJob>;
