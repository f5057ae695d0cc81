import { createMemoryReplayStore, type ReplayStore } from "@gateway/identity";
import type { IdentityConfig } from "@gateway/types";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import {
  createReplayFailMode,
  type ReplayFailMode,
  withReplayFailMode,
} from "../../redis/replay-fail-mode.ts";
import { createRedisReplayStore } from "../../redis/replay-store.ts";

/** Identity-token replay protection, shared by the replay check and the rate-limit plugin. */
export interface ReplayProtection {
  /** Remembers a jti: `SET NX EXAT` in Redis, else in process; `failMode` applied. */
  store: ReplayStore;
  /** `identity.replayFailMode`, also applied when the rate-limit script cannot answer. */
  failMode: ReplayFailMode;
}

/** undefined when `identity.replayProtection` is off. Without Redis: in process (one replica only). */
export function createReplayProtection(
  identity: Pick<IdentityConfig, "replayProtection" | "replayFailMode">,
  deps: { redis?: Redis; logger: Pick<Logger, "warn" | "info"> },
): ReplayProtection | undefined {
  if (!identity.replayProtection) return undefined;
  const failMode = createReplayFailMode({ failMode: identity.replayFailMode, logger: deps.logger });
  const store = deps.redis === undefined ? createMemoryReplayStore() : createRedisReplayStore(deps.redis);
  return { store: withReplayFailMode(store, failMode), failMode };
}
