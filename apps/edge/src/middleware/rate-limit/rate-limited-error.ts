import type { EdgeRateLimitPolicy } from "@gateway/types";
import { GatewayError } from "@gateway/types";
import type { CoarseDecision } from "./coarse-limiter.ts";

/** `"name";q=<limit>;w=<window>` per policy (draft-ietf-httpapi-ratelimit-headers). */
export function rateLimitPolicyHeader(policies: readonly EdgeRateLimitPolicy[]): string {
  return policies.map((policy) => `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`).join(", ");
}

/** 429 rate_limited for the denying policy that frees last. */
export function rateLimitedError(
  applied: readonly EdgeRateLimitPolicy[],
  denied: ReadonlyArray<{ policy: EdgeRateLimitPolicy; decision: CoarseDecision }>,
): GatewayError {
  const worst = denied.reduce((a, b) =>
    b.decision.retryAfterSeconds > a.decision.retryAfterSeconds ? b : a,
  );
  const retryAfter = Math.max(1, worst.decision.retryAfterSeconds);
  return new GatewayError("rate_limited", `rate limit "${worst.policy.name}" exceeded; retry later`, {
    "retry-after": String(retryAfter),
    "ratelimit-policy": rateLimitPolicyHeader(applied),
    ratelimit: `"${worst.policy.name}";r=0;t=${Math.max(retryAfter, worst.decision.resetSeconds)}`,
  });
}
