import type { ReplayStore } from "@gateway/identity";
import type { CentralRedis } from "../redis/index.ts";

export const REPLAY_KEY_PREFIX = "gateway:identity:jti:";

/**
 * Replay store shared by every central replica: `SET key 1 NX EXAT exp` is one
 * atomic round trip, so exactly one replica (and one request) wins each jti,
 * and Redis forgets it when the token could no longer verify anyway.
 * Errors propagate: the identity plugin fails closed on them.
 */
export function createRedisReplayStore(
  redis: Pick<CentralRedis, "set">,
  keyPrefix = REPLAY_KEY_PREFIX,
): ReplayStore {
  return {
    async remember(jti, expiresAt) {
      const result = await redis.set(`${keyPrefix}${jti}`, "1", "EXAT", expiresAt, "NX");
      return result === "OK";
    },
  };
}
