import type { Redis } from "ioredis";
import { type RawVerdict, toDecision, windowMs } from "./decision.ts";
import { EVALUATE_LUA, EVALUATE_SHA } from "./scripts/evaluate.ts";
import { withTimeout } from "./timeout.ts";
import type { RateLimitCheck, RateLimitDecision, RateLimitStore } from "./types.ts";

export interface RedisRateLimitStoreOptions {
  /** Each evaluation fails after this long, whatever the client's own timeouts. Default 250. */
  commandTimeoutMs?: number;
  /**
   * Tests only: a clock in ms passed to the script instead of Redis TIME. Leave
   * unset in production; Redis TIME is what makes replicas agree.
   */
  now?: () => number;
}

/**
 * Rate limit state in Redis: every check of a request in one EVALSHA (EVAL on
 * NOSCRIPT), one round trip, atomic and all-or-nothing.
 */
export function createRedisRateLimitStore(
  redis: Redis,
  options: RedisRateLimitStoreOptions = {},
): RateLimitStore {
  const commandTimeoutMs = options.commandTimeoutMs ?? 250;

  async function run(keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(EVALUATE_SHA, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return await redis.eval(EVALUATE_LUA, keys.length, ...keys, ...args);
    }
  }

  async function evaluate(checks: RateLimitCheck[]): Promise<RateLimitDecision[]> {
    if (checks.length === 0) return [];
    const args: Array<string | number> = [options.now ? String(options.now()) : ""];
    for (const { policy } of checks)
      args.push(policy.algorithm, policy.limit, windowMs(policy), policy.burst);
    const reply = await withTimeout(
      run(
        checks.map((check) => check.key),
        args,
      ),
      commandTimeoutMs,
      "rate limit script",
    );
    const verdicts = reply as RawVerdict[];
    if (!Array.isArray(verdicts) || verdicts.length !== checks.length) {
      throw new Error(`rate limit script returned ${JSON.stringify(reply)}`);
    }
    return checks.map((check, i) => toDecision(check.policy, verdicts[i] as RawVerdict));
  }

  return { evaluate };
}
