import type { EdgeRateLimitPolicy } from "@gateway/types";
import type { CoarseLimiter } from "./coarse-limiter.ts";

/**
 * A Workers Rate Limiting binding (`ratelimits` in wrangler config, period = the
 * policy's window). Approximate: counted per Cloudflare location and eventually
 * consistent, and it answers only yes or no.
 */
export function bindingLimiter(binding: RateLimit, policy: EdgeRateLimitPolicy): CoarseLimiter {
  return {
    policy,
    async check(key) {
      // The policy name keeps keys apart even where namespaces are shared (the local simulator).
      const { success } = await binding.limit({ key: `${policy.name}:${key}` });
      return {
        allowed: success,
        retryAfterSeconds: policy.windowSeconds,
        resetSeconds: policy.windowSeconds,
      };
    },
  };
}
