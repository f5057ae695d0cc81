import { RATE_LIMIT_ALGORITHMS as ALGORITHMS } from "@gateway/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { manualClock, policy } from "../../../test/rate-limit/policies.ts";
import { useRedis } from "../../../test/rate-limit/redis-for-tests.ts";
import { EVALUATE_LUA, EVALUATE_SHA, EXPIRY_SLACK_MS } from "./scripts/evaluate.ts";
import { createMemoryRateLimitStore } from "./store-memory.ts";
import { createRedisRateLimitStore } from "./store-redis.ts";

const redis = useRedis({ own: true });

describe("the evaluate script", () => {
  it("has the SHA that SCRIPT LOAD computes", async () => {
    expect(await redis.redis.script("LOAD", EVALUATE_LUA)).toBe(EVALUATE_SHA);
  });

  it("falls back to EVAL after SCRIPT FLUSH (NOSCRIPT) and is cached again", async () => {
    const store = createRedisRateLimitStore(redis.redis);
    const p = policy("gcra", { limit: 2 });
    const check = { policy: p, key: `rl:{${p.name}}:x` };
    await store.evaluate([check]);
    await redis.redis.script("FLUSH");
    expect(await redis.redis.script("EXISTS", EVALUATE_SHA)).toEqual([0]);
    expect((await store.evaluate([check]))[0]).toMatchObject({ allowed: true, remaining: 0 });
    expect(await redis.redis.script("EXISTS", EVALUATE_SHA)).toEqual([1]);
    expect((await store.evaluate([check]))[0]?.allowed).toBe(false);
  });

  it("uses Redis TIME when no clock is given, and every key it writes expires", async () => {
    const store = createRedisRateLimitStore(redis.redis);
    const policies = ALGORITHMS.map((algorithm) => policy(algorithm, { limit: 3, windowSeconds: 30 }));
    const checks = policies.map((p) => ({ policy: p, key: `rl:{${p.name}}:t` }));
    const rounds = [];
    for (let i = 0; i < 4; i++) rounds.push(await store.evaluate(checks));
    expect(rounds.map((round) => round.every((d) => d.allowed))).toEqual([true, true, true, false]);
    const [seconds] = await redis.redis.time();
    const fixedWindowReset = 30 - (Number(seconds) % 30);
    expect(Math.abs((rounds[0]?.[3]?.resetSeconds ?? Number.NaN) - fixedWindowReset)).toBeLessThanOrEqual(1);
    for (const { key } of checks) {
      const ttl = await redis.redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30_000 + EXPIRY_SLACK_MS);
    }
  });
});

describe("memory store and Redis store", () => {
  const policyShape = fc.record({
    algorithm: fc.constantFrom(...ALGORITHMS),
    limit: fc.integer({ min: 1, max: 6 }),
    windowSeconds: fc.integer({ min: 1, max: 7 }),
    extraBurst: fc.integer({ min: 0, max: 3 }),
  });
  const step = fc.record({
    advanceMs: fc.nat({ max: 2_500 }),
    policies: fc.array(fc.nat({ max: 2 }), { maxLength: 3 }),
  });

  it("make identical decisions for the same clock", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(policyShape, { minLength: 3, maxLength: 3 }),
        fc.array(step, { minLength: 1, maxLength: 40 }),
        async (shapes, steps) => {
          const policies = shapes.map((shape) =>
            policy(shape.algorithm, {
              limit: shape.limit,
              windowSeconds: shape.windowSeconds,
              burst: shape.limit + shape.extraBurst,
            }),
          );
          const clock = manualClock(1_800_000_000_000 + 777);
          const inRedis = createRedisRateLimitStore(redis.redis, { now: clock.now, commandTimeoutMs: 2000 });
          const inMemory = createMemoryRateLimitStore({ now: clock.now });
          for (const { advanceMs, policies: chosen } of steps) {
            clock.advance(advanceMs);
            const checks = policies
              .filter((_, i) => chosen.includes(i))
              .map((p) => ({ policy: p, key: `rl:{${p.name}}:k` }));
            expect(await inRedis.evaluate(checks)).toEqual(await inMemory.evaluate(checks));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("memory store", () => {
  it("stays bounded and drops expired keys", async () => {
    const clock = manualClock();
    const store = createMemoryRateLimitStore({ now: clock.now, maxKeys: 10, sweepIntervalMs: 1_000 });
    const p = policy("token_bucket", { windowSeconds: 1 });
    for (let i = 0; i < 50; i++) await store.evaluate([{ policy: p, key: `k${i}` }]);
    expect(store.size()).toBe(10);
    clock.advance(5_000);
    await store.evaluate([]);
    expect(store.size()).toBe(0);
  });
});
