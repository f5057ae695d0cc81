import type { RateLimitPolicy } from "@gateway/types";
import type { RateLimitDecision } from "./types.ts";

/** An sf-string (RFC 8941 §3.3.3): quoted, with `\` and `"` escaped. */
function sfString(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/**
 * The quota a client can actually use. Windows (sliding, fixed): `limit` per
 * `windowSeconds`. Token bucket and GCRA: the burst is the quota (that many
 * requests may come at once) and the window is the time the sustained rate
 * takes to refill it, burst × window / limit seconds, rounded up. So `r` never
 * exceeds `q`, and `t` (time to fully restored) never exceeds `w`.
 */
export function advertisedQuota(policy: RateLimitPolicy): { quota: number; windowSeconds: number } {
  if (policy.algorithm !== "token_bucket" && policy.algorithm !== "gcra") {
    return { quota: policy.limit, windowSeconds: policy.windowSeconds };
  }
  return {
    quota: policy.burst,
    windowSeconds: Math.max(1, Math.ceil((policy.burst * policy.windowSeconds) / policy.limit)),
  };
}

/** `RateLimit-Policy: "per-user";q=100;w=60, "per-ip";q=1000;w=3600` */
export function rateLimitPolicyHeader(policies: RateLimitPolicy[]): string {
  return policies
    .map((policy) => {
      const { quota, windowSeconds } = advertisedQuota(policy);
      return `${sfString(policy.name)};q=${quota};w=${windowSeconds}`;
    })
    .join(", ");
}

/** `RateLimit: "per-user";r=37;t=12` */
export function rateLimitHeader(policy: RateLimitPolicy, decision: RateLimitDecision): string {
  return `${sfString(policy.name)};r=${decision.remaining};t=${decision.resetSeconds}`;
}

export interface PolicyDecision {
  policy: RateLimitPolicy;
  decision: RateLimitDecision;
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
