import { withTimeout } from "@gateway/types";
import type { Redis } from "ioredis";
import { REPLAY_KEY_PREFIX } from "../../replay/index.ts";
import { type RawVerdict, toDecision, windowMs } from "./decision.ts";
import { EVALUATE_LUA, EVALUATE_SHA } from "./scripts/evaluate.ts";
import type { RateLimitCheck, RateLimitDecision, RateLimitStore, ReplayMark } from "./types.ts";

export interface RedisRateLimitStoreOptions {
  /** Each evaluation fails after this long, whatever the client's own timeouts. Default 250. */
  commandTimeoutMs?: number;
  /**
   * Tests only: a clock in ms passed to the script instead of Redis TIME. Leave
   * unset in production; Redis TIME is what makes replicas agree.
   */
  now?: () => number;
  /** Prefix of replay (jti) keys; the same as the standalone replay store's, so both see one set of jtis. */
  replayKeyPrefix?: string;
}

/**
 * Rate limit state in Redis: every check of a request, and the identity
 * token's replay check when asked, in one EVALSHA (EVAL on NOSCRIPT), one
 * round trip, atomic and all-or-nothing.
 */
export function createRedisRateLimitStore(
  redis: Redis,
  options: RedisRateLimitStoreOptions = {},
): RateLimitStore {
  const commandTimeoutMs = options.commandTimeoutMs ?? 250;
  const replayKeyPrefix = options.replayKeyPrefix ?? REPLAY_KEY_PREFIX;

  async function run(keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(EVALUATE_SHA, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return await redis.eval(EVALUATE_LUA, keys.length, ...keys, ...args);
    }
  }

  async function evaluateScript(
    replay: ReplayMark | undefined,
    checks: RateLimitCheck[],
  ): Promise<RateLimitDecision[] | "replayed"> {
    const keys = replay === undefined ? [] : [`${replayKeyPrefix}${replay.jti}`];
    const args: Array<string | number> = [
      options.now ? String(options.now()) : "",
      replay === undefined ? "" : replay.expiresAt,
    ];
    for (const check of checks) {
      keys.push(check.key);
      args.push(check.policy.algorithm, check.policy.limit, windowMs(check.policy), check.policy.burst);
    }
    const reply = await withTimeout(run(keys, args), commandTimeoutMs, "rate limit script");
    if (reply === "replayed" && replay !== undefined) return "replayed";
    const verdicts = reply as RawVerdict[];
    if (!Array.isArray(verdicts) || verdicts.length !== checks.length) {
      throw new Error(`rate limit script returned ${JSON.stringify(reply)}`);
    }
    return checks.map((check, i) => toDecision(check.policy, verdicts[i] as RawVerdict));
  }

  return {
    async evaluate(checks) {
      if (checks.length === 0) return [];
      return (await evaluateScript(undefined, checks)) as RateLimitDecision[];
    },
    evaluateFresh: evaluateScript,
  };
}
