interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

/**
 * Token bucket per subscription: refills at `rate` tokens per second and holds at most one second's worth
 * (at least one token), so short bursts pass and sustained excess is refused.
 */
export class WriteRateLimiter {
  private buckets = new Map<string, Bucket>();

  take(subscriptionId: string, rate: number | null, now = Date.now()): RateDecision {
    if (rate === null) return { allowed: true, remaining: Number.POSITIVE_INFINITY };
    const capacity = Math.max(1, rate);
    const key = subscriptionId.toLowerCase();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rate);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    return { allowed: false, retryAfterMs: ((1 - bucket.tokens) / rate) * 1000 };
  }

  reset(): void {
    this.buckets.clear();
  }
}
