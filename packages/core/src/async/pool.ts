/**
 * Runs `work` over `items`, at most `limit` at a time, taking them in list order: the one bounded-concurrency helper
 * (ARM reads, NSG writes, grant closes). Resolves once every started item has finished; rejects with the first error
 * thrown (the other workers finish what they hold). `stop()` turning true starts no further item.
 */
export async function forEachPooled<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, stop: () => boolean = () => false): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
      while (next < items.length && !stop()) await work(items[next++] as T);
    }),
  );
}
