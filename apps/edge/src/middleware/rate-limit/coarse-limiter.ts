import type { EdgeRateLimitPolicy } from "@gateway/types";

export interface CoarseDecision {
  allowed: boolean;
  /** Known for durable_object policies; the binding does not say. */
  remaining?: number;
  /** Seconds until one more request would be admitted (binding: the period, an upper bound). */
  retryAfterSeconds: number;
  /** Seconds until the quota is fully restored (binding: the period, an upper bound). */
  resetSeconds: number;
}

/** One edge policy's counter: a Rate Limiting binding or the EdgeLimiter Durable Object. */
export interface CoarseLimiter {
  readonly policy: EdgeRateLimitPolicy;
  check(key: string, now: number): Promise<CoarseDecision>;
}
