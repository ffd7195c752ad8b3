/** The one back-off formula: doubling from `baseMs` on the first retry, capped at `maxMs`, optionally spread. */
export type BackoffOptions = {
  baseMs: number;
  maxMs: number;
  /** Spread each delay over ±this share of it (0.2: 80% to 120%), so retries of many callers do not line up. */
  jitter?: number;
  /** A number in [0, 1); tests pin it. */
  random?: () => number;
};

/** `ms` spread over ±`jitter` of itself, rounded to a whole millisecond. */
export function jittered(ms: number, jitter: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 - jitter + 2 * jitter * random()));
}

/** The wait before retry number `attempt` (1 for the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const doubled = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return options.jitter === undefined ? doubled : jittered(doubled, options.jitter, options.random);
}
