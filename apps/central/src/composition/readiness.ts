import type { CentralConfig } from "@gateway/types";
import type { Redis } from "ioredis";
import type { ReadinessCheck } from "../plugins/health/index.ts";

/**
 * Redis PING. Critical (503 from /readyz) only when something fails closed
 * without Redis; otherwise a failure reads "degraded" and the replica stays in
 * the load balancer.
 */
export function redisReadiness(config: CentralConfig, redis: Redis): ReadinessCheck {
  const failsClosedWithoutRedis =
    (config.identity.replayProtection && config.identity.replayFailMode === "closed") ||
    config.rateLimits.policies.some((policy) => policy.failMode === "closed");
  return {
    name: "redis",
    critical: failsClosedWithoutRedis,
    check: async () => {
      await redis.ping();
    },
  };
}
