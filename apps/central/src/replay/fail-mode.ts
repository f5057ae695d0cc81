import type { ReplayStore } from "@gateway/identity";
import type { FailMode } from "@gateway/types";
import { createOutageTracker, type OutageLogger } from "../outage/index.ts";

export interface ReplayFailModeOptions {
  failMode: FailMode;
  logger: OutageLogger;
}

/**
 * `identity.replayFailMode` for every place the replay check runs (the
 * standalone SET NX and the rate-limit script), so one outage is logged once.
 * Each check takes a ticket first (`begin`); `failed` returns true when the
 * token is to be accepted without the check.
 */
export interface ReplayFailMode {
  begin(): number;
  failed(ticket: number, error: unknown): boolean;
  succeeded(ticket: number): void;
}

/**
 * open: the token is accepted without the replay check (it is still signed,
 * bound to method + path, and expires within the identity TTL); closed: the
 * request is refused (503). Either way the outage is logged once, and its end once.
 */
export function createReplayFailMode(options: ReplayFailModeOptions): ReplayFailMode {
  const outage = createOutageTracker(options.logger, {
    down: (error) => [
      { err: { message: (error as Error).message }, failMode: options.failMode },
      options.failMode === "open"
        ? "replay store unavailable: accepting identity tokens without the replay check"
        : "replay store unavailable: rejecting requests (replayFailMode closed)",
    ],
    recovered: ({ outageMs, failures }) => [{ outageMs, failedChecks: failures }, "replay store recovered"],
  });
  return {
    begin: outage.begin,
    failed(ticket, error) {
      outage.failed(ticket, error);
      return options.failMode === "open";
    },
    succeeded: outage.succeeded,
  };
}

/** A replay store that applies the fail mode: answers true (fresh) when open, rethrows when closed. */
export function withReplayFailMode(store: ReplayStore, failMode: ReplayFailMode): ReplayStore {
  return {
    async remember(jti, expiresAt) {
      const ticket = failMode.begin();
      try {
        const fresh = await store.remember(jti, expiresAt);
        failMode.succeeded(ticket);
        return fresh;
      } catch (error) {
        if (failMode.failed(ticket, error)) return true;
        throw error;
      }
    },
  };
}
