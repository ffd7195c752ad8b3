import type { Logger } from "../lib/logger.ts";
import type { Timer } from "../lib/time/clock.ts";

export interface SchedulerDeps {
  expiry: {
    sweep(): Promise<unknown>;
    /** Claims and starts the closes without waiting for them (preferred over `sweep` when given). */
    dispatch?(): Promise<unknown>;
    /** Milliseconds until something is due (null: nothing); the next round starts then when it is sooner than the interval. */
    msUntilNextDue?(): Promise<number | null>;
  };
  reconciler: { run(): Promise<unknown> };
  timer: Timer;
  intervalMs: number;
  reconcileIntervalMs: number;
  /** The reconciler's first run after start (default: one interval); its later runs follow the interval. */
  firstReconcileMs?: number;
  /** Other periodic jobs (approval lapses, notification delivery, expiry warnings). */
  jobs?: readonly PeriodicJob[];
  logger: Logger;
}

export interface PeriodicJob {
  name: string;
  run(): Promise<unknown>;
  everyMs: number;
}

export interface Scheduler {
  /** Runs each job on its interval; a run never overlaps the previous one of the same job. */
  start(): void;
  /** Runs the named job now (or right after the run under way), instead of at its next tick. */
  wake(name: string): void;
  /** Stops scheduling and waits for runs under way. */
  stop(): Promise<void>;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  let stopped = true;
  const pending = new Map<string, { cancel(): void }>();
  const running = new Set<Promise<void>>();
  const ticks = new Map<string, () => void>();
  const busy = new Set<string>();
  const wakeAfterRun = new Set<string>();

  /** Waits `everyMs` between runs, or less when `sooner` says the next run is due earlier. */
  function loop(name: string, job: () => Promise<unknown>, everyMs: number, sooner?: () => Promise<number | null>, firstMs = everyMs): void {
    const nextDelay = async (): Promise<number> => {
      if (wakeAfterRun.delete(name)) return 0;
      if (sooner === undefined) return everyMs;
      const ms = await sooner().catch(() => null);
      // A wake that came while `sooner` was asked is not lost.
      if (wakeAfterRun.delete(name)) return 0;
      return ms === null ? everyMs : Math.max(0, Math.min(everyMs, ms));
    };
    const tick = (): void => {
      pending.delete(name);
      if (stopped) return;
      busy.add(name);
      const run = job()
        .then(
          () => undefined,
          (error: unknown) => deps.logger.error({ err: error, job: name }, "a scheduled job failed; it runs again at its next interval"),
        )
        .then(nextDelay)
        .then((delay) => {
          running.delete(run);
          busy.delete(name);
          if (!stopped) pending.set(name, deps.timer.schedule(tick, delay));
        });
      running.add(run);
    };
    ticks.set(name, tick);
    pending.set(name, deps.timer.schedule(tick, firstMs));
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      const { expiry } = deps;
      const round = expiry.dispatch === undefined ? () => expiry.sweep() : () => expiry.dispatch?.() ?? Promise.resolve();
      loop("expiry", round, deps.intervalMs, expiry.msUntilNextDue === undefined ? undefined : () => expiry.msUntilNextDue?.() ?? Promise.resolve(null));
      loop("reconcile", () => deps.reconciler.run(), deps.reconcileIntervalMs, undefined, deps.firstReconcileMs ?? deps.reconcileIntervalMs);
      for (const job of deps.jobs ?? []) loop(job.name, () => job.run(), job.everyMs);
    },
    wake(name) {
      if (stopped) return;
      if (busy.has(name)) {
        wakeAfterRun.add(name);
        return;
      }
      const tick = ticks.get(name);
      if (tick === undefined) return;
      pending.get(name)?.cancel();
      pending.delete(name);
      tick();
    },
    async stop() {
      stopped = true;
      for (const handle of pending.values()) handle.cancel();
      pending.clear();
      await Promise.allSettled([...running]);
    },
  };
}
