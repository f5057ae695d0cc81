import type { RateLimitPolicy } from "@gateway/types";
import type { RateLimitDecision } from "./types.ts";

/** What both stores compute per check: [allowed 0|1, remaining, reset ms, retry ms] (whole ms). */
export type RawVerdict = [allowed: number, remaining: number, resetMs: number, retryMs: number];

export function toDecision(
  policy: RateLimitPolicy,
  [allowed, remaining, resetMs, retryMs]: RawVerdict,
): RateLimitDecision {
  const decision: RateLimitDecision = {
    allowed: allowed === 1,
    limit: policy.limit,
    remaining,
    resetSeconds: Math.ceil(resetMs / 1000),
  };
  // Retry-After is whole seconds; 0 would invite an immediate retry that fails
  if (!decision.allowed) decision.retryAfterSeconds = Math.max(1, Math.ceil(retryMs / 1000));
  return decision;
}

export function windowMs(policy: RateLimitPolicy): number {
  return policy.windowSeconds * 1000;
}
