import type { Logger } from "../lib/logger.ts";
import type { Timer } from "./clock.ts";

export interface SchedulerDeps {
  expiry: { sweep(): Promise<unknown> };
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

  function loop(name: string, job: () => Promise<unknown>, everyMs: number): void {
    const tick = (): void => {
      pending.delete(name);
      if (stopped) return;
      const run = job()
        .then(
          () => undefined,
          (error: unknown) => deps.logger.error({ err: error, job: name }, "a scheduled job failed; it runs again at its next interval"),
        )
        .finally(() => {
          running.delete(run);
          if (!stopped) pending.set(name, deps.timer.schedule(tick, everyMs));
        });
      running.add(run);
    };
    pending.set(name, deps.timer.schedule(tick, everyMs));
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop("expiry", () => deps.expiry.sweep(), deps.intervalMs);
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
