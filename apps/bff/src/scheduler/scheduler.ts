import type { Logger } from "../lib/logger.ts";
import type { Timer } from "./clock.ts";

export interface SchedulerDeps {
  expiry: {
    sweep(): Promise<unknown>;
    /** Milliseconds until the next open grant ends (null: none); the next sweep starts then when it is sooner than the interval. */
    msUntilNextEnd?(): Promise<number | null>;
  };
  reconciler: { run(): Promise<unknown> };
  timer: Timer;
  intervalMs: number;
  reconcileIntervalMs: number;
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
  /** Stops scheduling and waits for runs under way. */
  stop(): Promise<void>;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  let stopped = true;
  const pending = new Map<string, { cancel(): void }>();
  const running = new Set<Promise<void>>();

  /** Waits `everyMs` between runs, or less when `sooner` says the next run is due earlier. */
  function loop(name: string, job: () => Promise<unknown>, everyMs: number, sooner?: () => Promise<number | null>): void {
    const nextDelay = async (): Promise<number> => {
      if (sooner === undefined) return everyMs;
      const ms = await sooner().catch(() => null);
      return ms === null ? everyMs : Math.max(0, Math.min(everyMs, ms));
    };
    const tick = (): void => {
      pending.delete(name);
      if (stopped) return;
      const run = job()
        .then(
          () => undefined,
          (error: unknown) => deps.logger.error({ err: error, job: name }, "a scheduled job failed; it runs again at its next interval"),
        )
        .then(nextDelay)
        .then((delay) => {
          running.delete(run);
          if (!stopped) pending.set(name, deps.timer.schedule(tick, delay));
        });
      running.add(run);
    };
    pending.set(name, deps.timer.schedule(tick, everyMs));
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      const { expiry } = deps;
      loop("expiry", () => expiry.sweep(), deps.intervalMs, expiry.msUntilNextEnd === undefined ? undefined : () => expiry.msUntilNextEnd?.() ?? Promise.resolve(null));
      loop("reconcile", () => deps.reconciler.run(), deps.reconcileIntervalMs);
      for (const job of deps.jobs ?? []) loop(job.name, () => job.run(), job.everyMs);
    },
    async stop() {
      stopped = true;
      for (const handle of pending.values()) handle.cancel();
      pending.clear();
      await Promise.allSettled([...running]);
    },
  };
}
