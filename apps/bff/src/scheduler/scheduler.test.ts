import { describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.ts";
import type { Timer } from "../lib/time/clock.ts";
import { createScheduler } from "./scheduler.ts";

/** A timer the test fires by hand. */
function manualTimer() {
  const due: Array<{ run: () => void; ms: number; cancelled: boolean }> = [];
  const timer: Timer = {
    schedule(run, ms) {
      const entry = { run, ms, cancelled: false };
      due.push(entry);
      return { cancel: () => (entry.cancelled = true) };
    },
  };
  return {
    timer,
    waiting: () => due.filter((e) => !e.cancelled).map((e) => e.ms),
    fire(ms: number) {
      const index = due.findIndex((e) => !e.cancelled && e.ms === ms);
      const [entry] = due.splice(index, 1);
      entry?.run();
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("the scheduler", () => {
  it("starts the next expiry sweep when the next grant ends, if that is sooner than the interval", async () => {
    const timers = manualTimer();
    const nextEnds: Array<number | null> = [250, null, 5_000];
    let sweeps = 0;
    const scheduler = createScheduler({
      expiry: { sweep: async () => void sweeps++, msUntilNextDue: async () => nextEnds.shift() ?? null },
      reconciler: { run: async () => undefined },
      timer: timers.timer,
      intervalMs: 1000,
      reconcileIntervalMs: 60_000,
      logger: createLogger("silent"),
    });
    scheduler.start();
    timers.fire(1000);
    await settle();
    await settle();
    // A grant ends in 250 ms: the next sweep waits only that long.
    expect(timers.waiting().sort((a, b) => a - b)).toEqual([250, 60_000]);
    timers.fire(250);
    await settle();
    await settle();
    // Nothing ends: back to the interval.
    expect(timers.waiting().sort((a, b) => a - b)).toEqual([1000, 60_000]);
    timers.fire(1000);
    await settle();
    await settle();
    // The next end is later than the interval: the interval wins.
    expect(timers.waiting().sort((a, b) => a - b)).toEqual([1000, 60_000]);
    expect(sweeps).toBe(3);
    await scheduler.stop();
  });

  it("runs each job on its own interval, never two runs of one job at once, and stops cleanly", async () => {
    const timers = manualTimer();
    let sweeps = 0;
    let reconciles = 0;
    let release: () => void = () => undefined;
    const scheduler = createScheduler({
      expiry: { sweep: async () => void sweeps++ },
      reconciler: { run: () => new Promise<void>((resolve) => ((reconciles += 1), (release = resolve))) },
      timer: timers.timer,
      intervalMs: 1000,
      reconcileIntervalMs: 60_000,
      logger: createLogger("silent"),
    });
    scheduler.start();
    expect(timers.waiting().sort()).toEqual([1000, 60_000]);

    timers.fire(1000);
    await settle();
    expect(sweeps).toBe(1);
    // The next run is scheduled only once this one is over.
    expect(timers.waiting().sort()).toEqual([1000, 60_000]);

    timers.fire(60_000);
    await settle();
    expect(reconciles).toBe(1);
    expect(timers.waiting()).toEqual([1000]);
    release();
    await settle();
    expect(timers.waiting().sort()).toEqual([1000, 60_000]);

    await scheduler.stop();
    expect(timers.waiting()).toEqual([]);
  });

  it("a wake that comes while the next run's time is being asked is not lost: the next run starts at once", async () => {
    const timers = manualTimer();
    let sweeps = 0;
    let answer: (ms: number | null) => void = () => undefined;
    const scheduler = createScheduler({
      expiry: { sweep: async () => void sweeps++, msUntilNextDue: () => new Promise<number | null>((resolve) => (answer = resolve)) },
      reconciler: { run: async () => undefined },
      timer: timers.timer,
      intervalMs: 1000,
      reconcileIntervalMs: 60_000,
      logger: createLogger("silent"),
    });
    scheduler.start();
    timers.fire(1000);
    await settle();
    expect(sweeps).toBe(1);
    // The run is over and the scheduler asks when the next is due; a close settles and wakes it meanwhile.
    scheduler.wake("expiry");
    answer(null);
    await settle();
    await settle();
    expect(timers.waiting().sort((a, b) => a - b)).toEqual([0, 60_000]);
    await scheduler.stop();
  });

  it("a failing run is logged and the job runs again at its next interval", async () => {
    const timers = manualTimer();
    let runs = 0;
    const scheduler = createScheduler({
      expiry: {
        sweep: async () => {
          runs += 1;
          throw new Error("ARM is down");
        },
      },
      reconciler: { run: async () => undefined },
      timer: timers.timer,
      intervalMs: 1000,
      reconcileIntervalMs: 60_000,
      logger: createLogger("silent"),
    });
    scheduler.start();
    timers.fire(1000);
    await settle();
    timers.fire(1000);
    await settle();
    expect(runs).toBe(2);
    await scheduler.stop();
  });
});
