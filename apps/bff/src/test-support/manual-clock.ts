import type { Clock } from "../lib/time/clock.ts";

/** A clock tests move by hand: a 3-hour grant expires with `advance(3 * 3600_000)`, without waiting. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(at: Date): void;
}

export function createManualClock(start: Date = new Date()): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
    set(at) {
      current = at.getTime();
    },
  };
}
