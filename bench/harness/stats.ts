/** Nearest-rank percentile (p in 0..100) of the samples; the samples need not be sorted. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("no samples");
  if (p < 0 || p > 100) throw new Error(`percentile ${p} is outside 0..100`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function max(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error("no samples");
  return Math.max(...samples);
}

/** Rounds to `digits` decimals (tables and JSON show measured noise, not float noise). */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
