import { createMemoryReplayStore, type ReplayStore } from "@gateway/identity";
import { type GatewayError, type IdentityClaims, type IdentityConfig, withTimeout } from "@gateway/types";
import type { Logger } from "pino";
import { slotTag } from "../redis/hash-tags.ts";
import type { CentralRedis } from "../redis/index.ts";
import { identityUnavailableError, replayedTokenError } from "./errors.ts";
import { createReplayFailMode, withReplayFailMode } from "./fail-mode.ts";
import { type PendingReplay, type ReplayMark, replayKeyOf } from "./pending.ts";
import { createRedisReplayStore } from "./redis-store.ts";

/** For a step that folds the jti's SET NX into its own store call (the rate-limit script). */
export interface FoldedReplayCheck {
  /** Call before the store call; pass the ticket to `failed` or `answered`. */
  begin(): number;
  /** The store call failed: undefined when `replayFailMode: open` accepts the token unchecked, else the refusal. */
  failed(ticket: number, error: unknown): GatewayError | undefined;
  /** The store call answered: the refusal when the jti had been seen, else undefined. */
  answered(ticket: number, replayed: boolean): GatewayError | undefined;
}

/**
 * Identity-token replay protection: everything about a jti from the moment the
 * token verifies to the one answer (fresh, replayed, or the store failing
 * under `identity.replayFailMode`).
 */
export interface ReplayProtection {
  /**
   * The jti store every replica shares (Redis `SET NX EXAT`, else in process),
   * without the fail mode: for a store that folds the check into its own call.
   */
  readonly store: ReplayStore;
  /** The identity step's hand-off for a verified token (remembered until exp + clock skew). */
  pending(claims: Pick<IdentityClaims, "jti" | "exp" | "sub" | "auth" | "cip">): PendingReplay;
  /** The standalone check (one `SET NX`): undefined to go on, else the error to answer with. */
  check(mark: ReplayMark, requestId: string): Promise<GatewayError | undefined>;
  readonly folded: FoldedReplayCheck;
}

export interface ReplayProtectionDeps {
  /** Shared Redis; without it the jtis are remembered in process (one replica only). */
  redis?: CentralRedis;
  logger: Pick<Logger, "warn" | "info" | "debug" | "error">;
  /** Clock (ms) of the in-process store; default Date.now. */
  now?: () => number;
  /** Every replayed token refused (for the identity failures metric). */
  onReplayed?: () => void;
  /** The standalone check's deadline (the fail mode applies past it). Default 250. */
  timeoutMs?: number;
}

/**
 * The jti's slot: its consumer's (the slot of consumer-keyed rate limits), or for
 * an anonymous token its client IP's (the slot of ip-keyed limits, which public
 * routes use), so one hot "anonymous" slot never holds every public request's jti.
 */
export function replayTagOf(claims: Pick<IdentityClaims, "sub" | "auth" | "cip">): string {
  if (claims.auth === "anonymous") return slotTag("ip", claims.cip);
  return slotTag("consumer", claims.sub);
}

/** undefined when `identity.replayProtection` is off. */
export function createReplayProtection(
  identity: Pick<IdentityConfig, "replayProtection" | "replayFailMode" | "clockSkewSeconds">,
  deps: ReplayProtectionDeps,
): ReplayProtection | undefined {
  if (!identity.replayProtection) return undefined;
  const { logger } = deps;
  const failMode = createReplayFailMode({ failMode: identity.replayFailMode, logger });
  const store =
    deps.redis === undefined
      ? createMemoryReplayStore(deps.now === undefined ? {} : { now: deps.now })
      : createRedisReplayStore(deps.redis);
  const timeoutMs = deps.timeoutMs ?? 250;
  // past the deadline the check counts as failed, so the fail mode decides
  const timed: ReplayStore = {
    remember: (jti, expiresAt) => withTimeout(store.remember(jti, expiresAt), timeoutMs, "replay check"),
  };
  const standalone = withReplayFailMode(timed, failMode);
  const skew = identity.clockSkewSeconds;

  return {
    store,
    pending: (claims) => ({ jti: claims.jti, expiresAt: claims.exp + skew, tag: replayTagOf(claims) }),
    async check(mark, requestId) {
      try {
        if (await standalone.remember(replayKeyOf(mark), mark.expiresAt)) return undefined;
      } catch (err) {
        logger.error({ requestId, err }, "identity verification failed");
        return identityUnavailableError();
      }
      logger.debug({ requestId, reason: "replayed" }, "identity rejected");
      deps.onReplayed?.();
      return replayedTokenError();
    },
    folded: {
      begin: failMode.begin,
      failed: (ticket, error) => (failMode.failed(ticket, error) ? undefined : identityUnavailableError()),
      answered(ticket, replayed) {
        failMode.succeeded(ticket);
        if (!replayed) return undefined;
        deps.onReplayed?.();
        return replayedTokenError();
      },
    },
  };
}
