import { type RateLimitPolicy, rateLimitHeader } from "@gateway/types";
import type { RateLimitDecision } from "./types.ts";

export interface PolicyDecision {
  policy: RateLimitPolicy;
  decision: RateLimitDecision;
}

/** `RateLimit: "per-user";r=37;t=12` for one policy's decision. */
export function rateLimitHeaderOf({ policy, decision }: PolicyDecision): string {
  return rateLimitHeader(policy.name, decision.remaining, decision.resetSeconds);
}

/**
 * The policy a client should heed: when denied, the denying one that frees up
 * last; otherwise the one with the least remaining (then the later reset).
 * `results` must not be empty.
 */
export function mostRestrictive(results: PolicyDecision[]): PolicyDecision {
  return results.reduce((best, candidate) =>
    isMoreRestrictive(candidate.decision, best.decision) ? candidate : best,
  );
}

function isMoreRestrictive(a: RateLimitDecision, b: RateLimitDecision): boolean {
  if (a.allowed !== b.allowed) return !a.allowed;
  if (!a.allowed) return (a.retryAfterSeconds ?? 0) > (b.retryAfterSeconds ?? 0);
  if (a.remaining !== b.remaining) return a.remaining < b.remaining;
  return a.resetSeconds > b.resetSeconds;
}
