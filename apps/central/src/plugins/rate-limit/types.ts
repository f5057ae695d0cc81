import type { RateLimitPolicy } from "@gateway/types";
import type { ReplayMark } from "../../replay/index.ts";

export type { ReplayMark };

/** One policy to evaluate for one request, against the state stored under `key`. */
export interface RateLimitCheck {
  policy: RateLimitPolicy;
  key: string;
}

/**
 * The verdict of one policy. `allowed` is this policy's own verdict; a request
 * passes only if every policy allows it, and then (and only then) every policy
 * consumes one unit. `remaining` / `resetSeconds` describe the state after the
 * evaluation: consumed when the whole request passed, untouched otherwise.
 */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the quota is fully restored (0 when it already is). */
  resetSeconds: number;
  /** Seconds until this policy would admit a request; set only when `allowed` is false. */
  retryAfterSeconds?: number;
}

export interface RateLimitStore {
  /** Evaluates all checks atomically, all-or-nothing. Results are in the order of `checks`. */
  evaluate(checks: RateLimitCheck[]): Promise<RateLimitDecision[]>;
  /**
   * Remembers the token's jti (unless already seen) and, only when it was unseen,
   * evaluates the checks as `evaluate` does: one atomic step, one round trip.
   * "replayed" means the jti was already remembered and nothing was consumed.
   */
  evaluateFresh(replay: ReplayMark, checks: RateLimitCheck[]): Promise<RateLimitDecision[] | "replayed">;
}

/** Pino-compatible subset used by the plugin. */
export interface RateLimitLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
