import type { ReplayStore } from "@gateway/identity";
import type { FailMode } from "@gateway/types";
import type { Logger } from "pino";

/**
 * Applies `identity.replayFailMode` when the replay store (Redis) cannot
 * answer. open: the token is accepted without the replay check (it is still
 * signed, bound to method + path, and expires within the identity TTL);
 * closed: the error propagates and the identity plugin answers 503. Either
 * way the outage is logged once, and its end once.
 */
export function withReplayFailMode(
  store: ReplayStore,
  options: { failMode: FailMode; logger: Pick<Logger, "warn" | "info"> },
): ReplayStore {
  let down = false;
  return {
    async remember(jti, expiresAt) {
      try {
        const fresh = await store.remember(jti, expiresAt);
        if (down) {
          down = false;
          options.logger.info("replay store recovered");
        }
        return fresh;
      } catch (error) {
        if (!down) {
          down = true;
          options.logger.warn(
            { err: { message: (error as Error).message }, failMode: options.failMode },
            options.failMode === "open"
              ? "replay store unavailable: accepting identity tokens without the replay check"
              : "replay store unavailable: rejecting requests (replayFailMode closed)",
          );
        }
        if (options.failMode === "open") return true;
        throw error;
      }
    },
  };
}
