import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { policy } from "../../../test/rate-limit/policies.ts";
import { useRedis } from "../../../test/rate-limit/redis-for-tests.ts";
import { REPLAY_KEY_PREFIX } from "../../replay/index.ts";
import { EVALUATE_LUA, EVALUATE_SHA } from "./scripts/evaluate.ts";
import { createMemoryRateLimitStore } from "./store-memory.ts";
import { createRedisRateLimitStore } from "./store-redis.ts";
import type { RateLimitStore } from "./types.ts";

const redis = useRedis({ own: true });
const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

describe("the replay check folded into the evaluate script", () => {
  it("is part of the one script whose SHA SCRIPT LOAD computes", async () => {
    expect(EVALUATE_LUA).toContain("'SET', KEYS[1], '1', 'NX', 'EXAT', ARGV[2]");
    expect(await redis.redis.script("LOAD", EVALUATE_LUA)).toBe(EVALUATE_SHA);
  });

  it("SETs the jti key NX until the token's expiry, and the second use touches no limit key", async () => {
    const store = createRedisRateLimitStore(redis.redis);
    const p = policy("sliding_window", { limit: 3, windowSeconds: 60 });
    const checks = [{ policy: p, key: `rl:{${p.name}}:owner` }];
    const replay = { jti: randomUUID(), expiresAt: inSeconds(35) };
    expect(await store.evaluateFresh(replay, checks)).toMatchObject([{ allowed: true, remaining: 2 }]);
    const ttl = await redis.redis.ttl(`${REPLAY_KEY_PREFIX}${replay.jti}`);
    expect(ttl).toBeGreaterThan(30);
    expect(ttl).toBeLessThanOrEqual(35);
    const stateBefore = await redis.redis.zrange(checks[0]?.key as string, 0, -1);
    expect(await store.evaluateFresh(replay, checks)).toBe("replayed");
    expect(await redis.redis.zrange(checks[0]?.key as string, 0, -1)).toEqual(stateBefore);
  });

  it("sees jtis remembered by the standalone SET NX (same keys), and exactly one concurrent use wins", async () => {
    const store = createRedisRateLimitStore(redis.redis);
    const p = policy("gcra", { limit: 100, windowSeconds: 60 });
    const checks = [{ policy: p, key: `rl:{${p.name}}:owner` }];
    const seen = randomUUID();
    await redis.redis.set(`${REPLAY_KEY_PREFIX}${seen}`, "1", "EXAT", inSeconds(30), "NX");
    expect(await store.evaluateFresh({ jti: seen, expiresAt: inSeconds(30) }, checks)).toBe("replayed");

    const replay = { jti: randomUUID(), expiresAt: inSeconds(30) };
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.evaluateFresh(replay, checks)));
    expect(outcomes.filter((outcome) => outcome !== "replayed")).toHaveLength(1);
    expect((await store.evaluate(checks))[0]?.remaining).toBe(98);
  });

  it("falls back to EVAL after SCRIPT FLUSH with a replay check too", async () => {
    const store = createRedisRateLimitStore(redis.redis);
    const p = policy("fixed_window", { limit: 2 });
    await redis.redis.script("FLUSH");
    const replay = { jti: randomUUID(), expiresAt: inSeconds(30) };
    expect(await store.evaluateFresh(replay, [{ policy: p, key: `rl:{${p.name}}:x` }])).toHaveLength(1);
    expect(await redis.redis.script("EXISTS", EVALUATE_SHA)).toEqual([1]);
  });
});

describe.each([
  ["Redis", () => createRedisRateLimitStore(redis.redis)],
  ["memory", () => createMemoryRateLimitStore()],
] as Array<[string, () => RateLimitStore]>)("evaluateFresh, %s store", (_name, makeStore) => {
  it("consumes once per fresh jti; a replayed jti consumes nothing, even when the limit is reached", async () => {
    const store = makeStore();
    const p = policy("token_bucket", { limit: 2, windowSeconds: 3600 });
    const checks = [{ policy: p, key: `rl:{${p.name}}:owner` }];
    const first = { jti: randomUUID(), expiresAt: inSeconds(30) };
    expect(await store.evaluateFresh(first, checks)).toMatchObject([{ allowed: true, remaining: 1 }]);
    expect(await store.evaluateFresh(first, checks)).toBe("replayed");
    const second = { jti: randomUUID(), expiresAt: inSeconds(30) };
    expect(await store.evaluateFresh(second, checks)).toMatchObject([{ allowed: true, remaining: 0 }]);
    const third = { jti: randomUUID(), expiresAt: inSeconds(30) };
    expect(await store.evaluateFresh(third, checks)).toMatchObject([{ allowed: false }]);
    expect(await store.evaluateFresh(third, checks)).toBe("replayed");
  });

  it("remembers the jti even with no checks", async () => {
    const store = makeStore();
    const replay = { jti: randomUUID(), expiresAt: inSeconds(30) };
    expect(await store.evaluateFresh(replay, [])).toEqual([]);
    expect(await store.evaluateFresh(replay, [])).toBe("replayed");
  });
});
