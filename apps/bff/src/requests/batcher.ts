/**
 * Collects items as they come and hands them to `write` in small batches, one batch at a time: the first item
 * waits at most `delayMs` (50 ms) for company, and a batch holds at most `maxItems`. Used to record grants as each one
 * finishes (its own `closed_at`) without one transaction per grant when a thousand end in the same second.
 */
export interface Batcher<T> {
  add(item: T): void;
  /** Resolves when everything added so far is written; rejects with the first failed batch's error. */
  flush(): Promise<void>;
}

export function createBatcher<T>(write: (items: T[]) => Promise<void>, options: { maxItems?: number; delayMs?: number } = {}): Batcher<T> {
  const maxItems = options.maxItems ?? 200;
  const delayMs = options.delayMs ?? 50;
  let queued: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;

  const drain = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (queued.length === 0) return;
    const batch = queued.slice(0, maxItems);
    queued = queued.slice(maxItems);
    chain = chain.then(() =>
      write(batch).catch((error: unknown) => {
        failure ??= error;
      }),
    );
    if (queued.length > 0) drain();
  };

  return {
    add(item) {
      queued.push(item);
      if (queued.length >= maxItems) drain();
      else timer ??= setTimeout(drain, delayMs);
    },
    async flush() {
      drain();
      await chain;
      if (failure !== undefined) throw failure;
    },
  };
}
