import {
  type EdgeRateLimitPolicy,
  GatewayError,
  rateLimitHeader,
  rateLimitPolicyHeader,
} from "@gateway/types";
import type { CoarseDecision } from "./coarse-limiter.ts";

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
    ratelimit: rateLimitHeader(worst.policy.name, 0, Math.max(retryAfter, worst.decision.resetSeconds)),
  });
}
