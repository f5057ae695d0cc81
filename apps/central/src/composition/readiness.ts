import type { CentralConfig } from "@gateway/types";
import type { ReadinessCheck } from "../plugins/health/index.ts";
import { type CentralRedis, isCluster } from "../redis/index.ts";

/**
 * Redis PING. Critical (503 from /readyz) only when something fails closed
 * without Redis; otherwise a failure reads "degraded" and the replica stays in
 * the load balancer.
 */
export function redisReadiness(config: CentralConfig, redis: CentralRedis): ReadinessCheck {
  const failsClosedWithoutRedis =
    (config.identity.replayProtection && config.identity.replayFailMode === "closed") ||
    config.rateLimits.policies.some((policy) => policy.failMode === "closed");
  return {
    name: "redis",
    critical: failsClosedWithoutRedis,
    check: async () => {
      if (!isCluster(redis)) {
        await redis.ping();
        return;
      }
      // A Cluster's PING reaches one node: ready means it has the slot map and every
      // master answers (every slot is served).
      if (redis.status !== "ready") throw new Error(`redis cluster client ${redis.status}`);
      await Promise.all(redis.nodes("master").map((node) => node.ping()));
    },
  };
}
