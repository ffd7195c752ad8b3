/** Thrown when a lock could not be had before the caller's deadline. */
export class LockTimeoutError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`timed out waiting for the lock on ${key}`);
    this.name = "LockTimeoutError";
    this.key = key;
  }
}

interface Waiter {
  grant: () => void;
}

interface Entry {
  waiters: Waiter[];
}

/**
 * In-process locks by key: `tryAcquire` never waits, `acquire` waits in FIFO order up to a deadline.
 * A key with no holder and no waiter is forgotten, so the map stays as small as the work under way.
 */
export class KeyedMutex {
  readonly #held = new Map<string, Entry>();

  tryAcquire(key: string): (() => void) | null {
    if (this.#held.has(key)) return null;
    this.#held.set(key, { waiters: [] });
    return this.#releaser(key);
  }

  /** Resolves with the release function once the key is free; rejects with LockTimeoutError at `deadline` (epoch ms). */
  acquire(key: string, deadline: number): Promise<() => void> {
    const immediate = this.tryAcquire(key);
    if (immediate !== null) return Promise.resolve(immediate);
    const entry = this.#held.get(key) as Entry;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve(this.#releaser(key));
        },
      };
      const timer = setTimeout(
        () => {
          entry.waiters = entry.waiters.filter((w) => w !== waiter);
          reject(new LockTimeoutError(key));
        },
        Math.max(0, deadline - Date.now()),
      );
      entry.waiters.push(waiter);
    });
  }

  isHeld(key: string): boolean {
    return this.#held.has(key);
  }

  #releaser(key: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const entry = this.#held.get(key);
      if (entry === undefined) return;
      const next = entry.waiters.shift();
      if (next === undefined) this.#held.delete(key);
      else next.grant();
    };
  }
}
