/**
 * Groups work that arrives together per key (NSG ids) so it can be done in one pass: items submitted within
 * `windowMs` of each other, and items that queue while an overlapping batch runs, go into one batch. Batches
 * whose keys do not overlap run side by side; overlapping ones one after the other.
 */
export interface Coalescer<I, O> {
  submit(item: I): Promise<O>;
}

export interface CoalescerOptions<I, O> {
  windowMs: number;
  keysOf(item: I): readonly string[];
  /** Runs one batch; returns one outcome per item, in order. A rejection fails every item of the batch. */
  run(items: I[]): Promise<O[]>;
}

interface Pending<I, O> {
  item: I;
  keys: string[];
  resolve(outcome: O): void;
  reject(error: unknown): void;
}

/** Connected components of items that share a key (union-find over keys). */
function components<I, O>(pending: readonly Pending<I, O>[]): Pending<I, O>[][] {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let root = key;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(key, root);
    return root;
  };
  for (const entry of pending) {
    for (const key of entry.keys) if (!parent.has(key)) parent.set(key, key);
    const [first, ...rest] = entry.keys;
    if (first !== undefined) for (const key of rest) parent.set(find(key), find(first));
  }
  const groups = new Map<string, Pending<I, O>[]>();
  let lone = 0;
  for (const entry of pending) {
    const root = entry.keys[0] === undefined ? `\u0000${lone++}` : find(entry.keys[0]);
    groups.set(root, [...(groups.get(root) ?? []), entry]);
  }
  return [...groups.values()];
}

export function createCoalescer<I, O>(options: CoalescerOptions<I, O>): Coalescer<I, O> {
  let pending: Pending<I, O>[] = [];
  const busy = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function start(batch: Pending<I, O>[]): void {
    const keys = [...new Set(batch.flatMap((entry) => entry.keys))];
    for (const key of keys) busy.add(key);
    options
      .run(batch.map((entry) => entry.item))
      .then(
        (outcomes) => batch.forEach((entry, i) => entry.resolve(outcomes[i] as O)),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      )
      .finally(() => {
        for (const key of keys) busy.delete(key);
        // What queued behind this batch goes now, together.
        if (pending.length > 0) flush();
      });
  }

  function flush(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const waiting: Pending<I, O>[] = [];
    for (const group of components(pending)) {
      if (group.some((entry) => entry.keys.some((key) => busy.has(key)))) waiting.push(...group);
      else start(group);
    }
    pending = waiting;
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        pending.push({ item, keys: [...new Set(options.keysOf(item))], resolve, reject });
        timer ??= setTimeout(flush, options.windowMs);
      });
    },
  };
}
