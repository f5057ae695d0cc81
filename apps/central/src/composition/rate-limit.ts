import type { CentralConfig } from "@gateway/types";
import type { Logger } from "pino";
import {
  createMemoryRateLimitStore,
  createRateLimitPlugin,
  createRedisRateLimitStore,
  type RateLimitPlugin,
  type RateLimitPluginDeps,
} from "../plugins/rate-limit/index.ts";
import { preloadRateLimitScript } from "../plugins/rate-limit/preload.ts";
import type { CentralRedis } from "../redis/index.ts";
import type { ReplayProtection } from "../replay/index.ts";
import type { Clock } from "./registry.ts";

/**
 * The precise rate limit: Redis when there is one (exact across replicas),
 * else in process. Either store folds the pending replay check into its
 * evaluation, against the same jtis the standalone replay check sees.
 */
export function buildRateLimit(
  config: CentralConfig,
  deps: {
    logger: Logger;
    redis?: CentralRedis;
    /** The store's deadline per evaluation (the plugin's is 50 ms longer). Default 250. */
    timeoutMs?: number;
    replay?: ReplayProtection;
    clock?: Clock;
    /** A consumer's own policies (consumers/), applied besides the route's. */
    consumerPolicies?: (sub: string) => readonly string[] | Promise<readonly string[]>;
    /** Every policy decision (metrics). */
    onDecision?: RateLimitPluginDeps["onDecision"];
  },
): RateLimitPlugin {
  const store =
    deps.redis === undefined
      ? createMemoryRateLimitStore({
          ...(deps.replay === undefined ? {} : { replayStore: deps.replay.store }),
          ...(deps.clock === undefined ? {} : { now: deps.clock }),
        })
      : createRedisRateLimitStore(deps.redis, { commandTimeoutMs: deps.timeoutMs ?? 250 });
  if (deps.redis !== undefined) preloadRateLimitScript(deps.redis);
  return createRateLimitPlugin(config.rateLimits.policies, {
    store,
    logger: deps.logger,
    ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs + 50 }),
    ...(deps.replay === undefined ? {} : { replay: deps.replay }),
    ...(deps.consumerPolicies === undefined ? {} : { consumerPolicies: deps.consumerPolicies }),
    ...(deps.onDecision === undefined ? {} : { onDecision: deps.onDecision }),
  });
}
