export { createReplayCheck } from "./check.ts";
export { identityUnavailableError, REPLAYED_MESSAGE, replayedTokenError } from "./errors.ts";
export { createReplayFailMode, type ReplayFailMode, withReplayFailMode } from "./fail-mode.ts";
export {
  type PendingReplay,
  type ReplayMark,
  type ReplaySettler,
  replayKeyOf,
  takePendingReplay,
} from "./pending.ts";
export {
  createReplayProtection,
  type FoldedReplayCheck,
  type ReplayProtection,
  type ReplayProtectionDeps,
  replayTagOf,
} from "./protection.ts";
export { createRedisReplayStore, REPLAY_KEY_PREFIX } from "./redis-store.ts";
