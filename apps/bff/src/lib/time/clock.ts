/**
 * Business time: when grants start, end and are due. Injected so tests can cover a 3-hour grant without
 * waiting; production always uses the system clock (nothing in the API or the environment can move it).
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** How the scheduler waits between runs; injected so tests drive the runs themselves. */
export interface Timer {
  schedule(run: () => void, ms: number): { cancel(): void };
}

export const systemTimer: Timer = {
  schedule(run, ms) {
    const handle = setTimeout(run, ms);
    // The jobs never keep a stopping process alive.
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};
