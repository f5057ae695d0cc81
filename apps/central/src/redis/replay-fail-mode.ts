import type { ReplayStore } from "@gateway/identity";
import type { FailMode } from "@gateway/types";
import type { Logger } from "pino";

export interface ReplayFailModeOptions {
  failMode: FailMode;
  logger: Pick<Logger, "warn" | "info">;
}

/**
 * `identity.replayFailMode` for every place the replay check runs (the
 * standalone SET NX and the rate-limit script), so one outage is logged once.
 * `failed` returns true when the token is to be accepted without the check.
 */
export interface ReplayFailMode {
  failed(error: unknown): boolean;
  succeeded(): void;
}

/**
 * open: the token is accepted without the replay check (it is still signed,
 * bound to method + path, and expires within the identity TTL); closed: the
 * request is refused (503). Either way the outage is logged once, and its end once.
 */
export function createReplayFailMode(options: ReplayFailModeOptions): ReplayFailMode {
  let down = false;
  return {
    succeeded() {
      if (!down) return;
      down = false;
      options.logger.info("replay store recovered");
    },
    failed(error) {
      if (!down) {
        down = true;
        options.logger.warn(
          { err: { message: (error as Error).message }, failMode: options.failMode },
          options.failMode === "open"
            ? "replay store unavailable: accepting identity tokens without the replay check"
            : "replay store unavailable: rejecting requests (replayFailMode closed)",
        );
      }
      return options.failMode === "open";
    },
  };
}

/** A replay store that applies the fail mode: answers true (fresh) when open, rethrows when closed. */
export function withReplayFailMode(store: ReplayStore, failMode: ReplayFailMode): ReplayStore {
  return {
    async remember(jti, expiresAt) {
      try {
        const fresh = await store.remember(jti, expiresAt);
        failMode.succeeded();
        return fresh;
      } catch (error) {
        if (failMode.failed(error)) return true;
        throw error;
      }
    },
  };
}
