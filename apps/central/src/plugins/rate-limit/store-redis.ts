import { withTimeout } from "@gateway/types";
import { type CentralRedis, hashTagOf, isCluster } from "../../redis/index.ts";
import { REPLAY_KEY_PREFIX, replayKeyOf } from "../../replay/index.ts";
import { type RawVerdict, toDecision, windowMs } from "./decision.ts";
import { DRY_RUN, EVALUATE_LUA, EVALUATE_SHA } from "./scripts/evaluate.ts";
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
  /**
   * Split a request's keys by hash slot (one script per slot). Default: true for
   * an ioredis Cluster client, false otherwise (one script, whatever the tags).
   */
  perSlot?: boolean;
}

/** The keys and checks of one script call: all in one hash slot on a cluster. */
interface Group {
  replayKey?: string;
  /** Indexes into the request's checks. */
  checks: number[];
}

type GroupReply = RawVerdict[] | "replayed";

/**
 * Rate limit state in Redis: every check of a request, and the identity
 * token's replay check when asked, in one EVALSHA (EVAL on NOSCRIPT), one
 * round trip, atomic and all-or-nothing.
 *
 * On a Redis Cluster a script may only touch one slot. Keys are tagged so that
 * a request's consumer-keyed policies and its jti share one (rateLimitKey,
 * replayTagOf); when a request's keys still span several slots (say a
 * consumer-keyed and an ip-keyed policy), each slot gets its own script, in two
 * rounds: a read-only round on every slot (a deny or a replay ends it, nothing
 * consumed), then a consuming round. Each slot's step is atomic; across slots,
 * two racing requests can both pass the first round and one be denied in the
 * second after another slot consumed for it (docs/scaling.md).
 */
export function createRedisRateLimitStore(
  redis: Pick<CentralRedis, "evalsha" | "eval">,
  options: RedisRateLimitStoreOptions = {},
): RateLimitStore {
  const commandTimeoutMs = options.commandTimeoutMs ?? 250;
  const replayKeyPrefix = options.replayKeyPrefix ?? REPLAY_KEY_PREFIX;
  const perSlot = options.perSlot ?? isCluster(redis as CentralRedis);

  async function run(keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(EVALUATE_SHA, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return await redis.eval(EVALUATE_LUA, keys.length, ...keys, ...args);
    }
  }

  async function runGroup(
    group: Group,
    checks: RateLimitCheck[],
    replay: ReplayMark | undefined,
    mode: "" | typeof DRY_RUN,
  ): Promise<GroupReply> {
    const keys = group.replayKey === undefined ? [] : [group.replayKey];
    const args: Array<string | number> = [
      options.now ? String(options.now()) : "",
      group.replayKey === undefined || replay === undefined ? "" : replay.expiresAt,
      mode,
    ];
    for (const index of group.checks) {
      const check = checks[index] as RateLimitCheck;
      keys.push(check.key);
      args.push(check.policy.algorithm, check.policy.limit, windowMs(check.policy), check.policy.burst);
    }
    const reply = await run(keys, args);
    if (reply === "replayed" && group.replayKey !== undefined) return "replayed";
    if (!Array.isArray(reply) || reply.length !== group.checks.length) {
      throw new Error(`rate limit script returned ${JSON.stringify(reply)}`);
    }
    return reply as RawVerdict[];
  }

  function groupsOf(replayKey: string | undefined, checks: RateLimitCheck[]): Group[] {
    if (!perSlot) {
      return [{ ...(replayKey === undefined ? {} : { replayKey }), checks: checks.map((_, i) => i) }];
    }
    const bySlot = new Map<string, Group>();
    const groupFor = (key: string) => {
      const tag = hashTagOf(key);
      let group = bySlot.get(tag);
      if (group === undefined) {
        group = { checks: [] };
        bySlot.set(tag, group);
      }
      return group;
    };
    if (replayKey !== undefined) groupFor(replayKey).replayKey = replayKey;
    checks.forEach((check, i) => {
      groupFor(check.key).checks.push(i);
    });
    return [...bySlot.values()];
  }

  /** Every slot's verdicts back in the order of `checks`; "replayed" when any slot saw the jti. */
  async function round(
    groups: Group[],
    checks: RateLimitCheck[],
    replay: ReplayMark | undefined,
    mode: "" | typeof DRY_RUN,
  ): Promise<RawVerdict[] | "replayed"> {
    const replies = await Promise.all(groups.map((group) => runGroup(group, checks, replay, mode)));
    const verdicts = new Array<RawVerdict>(checks.length);
    for (const [g, reply] of replies.entries()) {
      if (reply === "replayed") return "replayed";
      (groups[g] as Group).checks.forEach((index, j) => {
        verdicts[index] = reply[j] as RawVerdict;
      });
    }
    return verdicts;
  }

  async function evaluateAll(
    replay: ReplayMark | undefined,
    checks: RateLimitCheck[],
  ): Promise<RawVerdict[] | "replayed"> {
    const replayKey = replay === undefined ? undefined : `${replayKeyPrefix}${replayKeyOf(replay)}`;
    const groups = groupsOf(replayKey, checks);
    if (groups.length === 1) return round(groups, checks, replay, "");
    const dry = await round(groups, checks, replay, DRY_RUN);
    if (dry === "replayed" || dry.some((verdict) => verdict[0] === 0)) return dry;
    return round(groups, checks, replay, "");
  }

  async function evaluateScript(
    replay: ReplayMark | undefined,
    checks: RateLimitCheck[],
  ): Promise<RateLimitDecision[] | "replayed"> {
    const verdicts = await withTimeout(evaluateAll(replay, checks), commandTimeoutMs, "rate limit script");
    if (verdicts === "replayed") return "replayed";
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
