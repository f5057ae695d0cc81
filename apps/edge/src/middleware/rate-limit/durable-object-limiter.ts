import type { EdgeRateLimitPolicy } from "@gateway/types";
import type { EdgeLimiter } from "../../durable/edge-limiter.ts";
import type { CoarseLimiter } from "./coarse-limiter.ts";

/** A precise sliding window in one EdgeLimiter object per (policy, key); one subrequest per check. */
export function durableObjectLimiter(
  namespace: DurableObjectNamespace<EdgeLimiter>,
  policy: EdgeRateLimitPolicy,
): CoarseLimiter {
  const windowMs = policy.windowSeconds * 1000;
  return {
    policy,
    async check(key, now) {
      const stub = namespace.get(namespace.idFromName(`${policy.name}\n${key}`));
      const decision = await stub.hit({ limit: policy.limit, windowMs, now });
      return {
        allowed: decision.allowed,
        remaining: decision.remaining,
        retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
        resetSeconds: Math.ceil(decision.resetMs / 1000),
      };
    },
  };
}
