import type { AuditActor } from "../lib/audit/audit-events.ts";
import type { Logger } from "../lib/logger.ts";
import type { GrantCloser } from "../requests/grant-closer.ts";
import type { ClaimedUnits } from "../requests/expiry-units.ts";
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
  /** NSG units claimed per round (a replica claims rounds until it holds its fair share); default 64. */
  batchLimit?: number;
  /** Asks the scheduler for a round now: called when dispatched closes settle (what they held may free more). */
  wake?(): void;
}

export interface SweepReport {
  claimed: number;
  closed: number;
  retried: number;
}

/**
 * NSG units claimed per round. The unit is one NSG with every due grant that has a rule in it, so each NSG is
 * written once per batch however the burst is shared (a subnet NSG shared by many VMs is one unit, not one write
 * per replica). A process claims rounds until it holds its fair share of the due units (units / live processes,
 * counted from the instance heartbeats) and claims again when it has finished them; the others take the rest,
 * and a process that dies mid-batch has its units taken over (ADR 018). Small rounds keep one round's
 * transaction short; the share, not this limit, is what spreads a burst.
 */
const defaultBatchLimit = 64;

/** How soon to claim again while a burst's units are under way (others may finish, or die, before the tick). */
const pendingPollMs = 100;

/** A sweep started this long after an end second finds the grant due on every replica's clock. */
const endSlackMs = 20;

/** Who closes expired grants in the audit trail. */
export const schedulerActor: AuditActor = { oid: "portcullis", name: "Portcullis scheduler", ip: null };

/**
 * Closes what is due: open grants past their end, closes that failed and are due again, and grants whose
 * process stopped while working on them (it shut down, its heartbeat went stale, or its lease ran out). Each
 * round claims NSG units in one transaction (each unit by one process at a time; expiry-units.ts), then writes
 * each NSG once for its grants (grant-closer.ts `closeUnits`); a grant closes when its last NSG is written.
 *
 * `dispatch` (the scheduler's) starts the closes and returns at once: closes still under way (a slow NSG) never
 * hold up claiming what becomes due next. `sweep` waits for its closes (start-up, tests).
 */
export function createExpiryJob(deps: ExpiryJobDeps) {
  const leaseMs = deps.leaseMs ?? defaultLeaseMs;
  const limit = deps.batchLimit ?? defaultBatchLimit;
  const inFlight = new Set<Promise<unknown>>();

  async function claimRounds(onClaimed: (claimed: ClaimedUnits) => void): Promise<number> {
    let total = 0;
    for (;;) {
      const now = deps.clock.now();
      const claimed = await deps.grants.claimUnits({ claimedBy: deps.instanceId, now, until: new Date(now.getTime() + leaseMs) }, limit);
      if (claimed.grants.length === 0) break;
      total += claimed.grants.length;
      onClaimed(claimed);
      if (claimed.units.length < limit) break;
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
            track(deps.closer.closeUnits(claimed, schedulerActor)).then((result) => {
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
        track(deps.closer.closeUnits(claimed, schedulerActor))
          .then(
            (result) => deps.logger.info({ claimed: claimed.grants.length, units: claimed.units.length, closed: result.closed.length, retried: result.failed.length, ms: Date.now() - started }, "expiry closes"),
            (error: unknown) => deps.logger.error({ err: error, claimed: claimed.grants.length, units: claimed.units.length }, "recording closes failed; the units are taken over when their claim ends"),
          )
          // Units behind the ones just written (a grant's NIC NSG after its subnet's) are due now.
          .finally(() => deps.wake?.());
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
      // Units of a burst still under way on another process, or waiting for a grant's other NSG (this process's
      // own closes wake the next round when they settle, see `dispatch`).
      if (await deps.grants.unitsPending(now, deps.instanceId)) return pendingPollMs;
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
