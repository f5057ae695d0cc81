import type { RateLimitAlgorithm, RateLimitPolicy } from "@gateway/types";
import { RATE_LIMIT_ALGORITHMS as ALGORITHMS } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { manualClock, policy } from "../../../test/rate-limit/policies.ts";
import { useRedis } from "../../../test/rate-limit/redis-for-tests.ts";
import { createMemoryRateLimitStore } from "./store-memory.ts";
import { createRedisRateLimitStore } from "./store-redis.ts";
import type { RateLimitStore } from "./types.ts";

const redis = useRedis();

type StoreKind = "redis" | "memory";
function makeStore(kind: StoreKind, now: () => number): RateLimitStore {
  return kind === "redis"
    ? createRedisRateLimitStore(redis.redis, { now, commandTimeoutMs: 2000 })
    : createMemoryRateLimitStore({ now });
}

async function hit(store: RateLimitStore, p: RateLimitPolicy, times = 1) {
  const out = [];
  for (let i = 0; i < times; i++) {
    const [decision] = await store.evaluate([{ policy: p, key: `rl:{${p.name}}:alice` }]);
    if (!decision) throw new Error("no decision");
    out.push(decision);
  }
  return out;
}

describe.each<StoreKind>(["redis", "memory"])("%s store", (kind) => {
  describe.each<RateLimitAlgorithm>(ALGORITHMS)("%s", (algorithm) => {
    it("admits exactly `limit` requests in a burst, counting remaining down", async () => {
      const clock = manualClock();
      const store = makeStore(kind, clock.now);
      const decisions = await hit(store, policy(algorithm), 8);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false, false]);
      expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0, 0]);
      expect(decisions.every((d) => d.limit === 5)).toBe(true);
      expect(decisions[0]?.retryAfterSeconds).toBeUndefined();
      // 10 s window, 5 per window, all admitted at one instant: the windows free them together
      // 10 s later, the rate-based algorithms one per 2 s
      const windowed = algorithm === "fixed_window" || algorithm === "sliding_window";
      expect(decisions[5]?.retryAfterSeconds).toBe(windowed ? 10 : 2);
    });

    it("admits again exactly when Retry-After says, not a millisecond earlier", async () => {
      const clock = manualClock();
      const store = makeStore(kind, clock.now);
      const p = policy(algorithm, { limit: 3, windowSeconds: 3 });
      await hit(store, p, 3);
      const [denied] = await hit(store, p);
      expect(denied?.allowed).toBe(false);
      const retryMs = (denied?.retryAfterSeconds ?? 0) * 1000;
      expect(retryMs).toBeGreaterThan(0);
      clock.advance(retryMs - 1);
      expect((await hit(store, p))[0]?.allowed).toBe(false);
      clock.advance(1);
      expect((await hit(store, p))[0]?.allowed).toBe(true);
    });
  });

  it("fixed window: the counter resets on the window boundary (2×limit across it)", async () => {
    const clock = manualClock();
    const store = makeStore(kind, clock.now);
    const p = policy("fixed_window");
    clock.set(clock.start + 9_999);
    expect((await hit(store, p, 6)).filter((d) => d.allowed)).toHaveLength(5);
    const [last] = await hit(store, p);
    expect(last).toMatchObject({ allowed: false, retryAfterSeconds: 1, resetSeconds: 1 });
    clock.set(clock.start + 10_000);
    const next = await hit(store, p, 6);
    expect(next.filter((d) => d.allowed)).toHaveLength(5);
    expect(next[0]).toMatchObject({ remaining: 4, resetSeconds: 10 });
  });

  it("sliding window: an entry leaves exactly `window` after it was admitted", async () => {
    const clock = manualClock();
    const store = makeStore(kind, clock.now);
    const p = policy("sliding_window");
    await hit(store, p, 3);
    clock.advance(5_000);
    await hit(store, p, 2);
    clock.set(clock.start + 9_999);
    expect((await hit(store, p))[0]).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    clock.set(clock.start + 10_000);
    const admitted = await hit(store, p, 4);
    expect(admitted.map((d) => d.allowed)).toEqual([true, true, true, false]);
    // the next slot frees when the entries admitted at +5 s leave, at +15 s
    expect(admitted[3]).toMatchObject({ retryAfterSeconds: 5, resetSeconds: 10 });
  });

  it.each<RateLimitAlgorithm>(["token_bucket", "gcra"])(
    "%s refills one unit per window/limit",
    async (algorithm) => {
      const clock = manualClock();
      const store = makeStore(kind, clock.now);
      const p = policy(algorithm);
      await hit(store, p, 5);
      clock.advance(1_999);
      expect((await hit(store, p))[0]).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
      clock.advance(1);
      expect((await hit(store, p, 2)).map((d) => d.allowed)).toEqual([true, false]);
      clock.advance(3 * 2_000);
      expect((await hit(store, p, 4)).map((d) => d.allowed)).toEqual([true, true, true, false]);
      clock.advance(60_000);
      const refilled = await hit(store, p, 6);
      expect(refilled.filter((d) => d.allowed)).toHaveLength(5);
      expect(refilled[0]).toMatchObject({ remaining: 4, resetSeconds: 2 });
    },
  );

  it.each<RateLimitAlgorithm>(["token_bucket", "gcra"])("%s: burst sets the capacity", async (algorithm) => {
    const clock = manualClock();
    const store = makeStore(kind, clock.now);
    const p = policy(algorithm, { limit: 2, windowSeconds: 10, burst: 6 });
    expect((await hit(store, p, 7)).filter((d) => d.allowed)).toHaveLength(6);
    const strict = policy(algorithm, { limit: 2, windowSeconds: 10, burst: 1 });
    expect((await hit(store, strict, 2)).map((d) => d.allowed)).toEqual([true, false]);
    clock.advance(5_000);
    expect((await hit(store, strict, 2)).map((d) => d.allowed)).toEqual([true, false]);
  });

  it("all-or-nothing: a request denied by one policy consumes none", async () => {
    for (const algorithm of ALGORITHMS) {
      const clock = manualClock();
      const store = makeStore(kind, clock.now);
      const wide = policy(algorithm, { limit: 5 });
      const tight = policy("fixed_window", { limit: 2 });
      const both = [
        { policy: wide, key: `rl:{${wide.name}}:a` },
        { policy: tight, key: `rl:{${tight.name}}:a` },
      ];
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await store.evaluate(both));
      expect(results.map(([w, t]) => [w?.allowed, t?.allowed])).toEqual([
        [true, true],
        [true, true],
        [true, false],
        [true, false],
      ]);
      // denied requests report the wide policy untouched, and it still has 3 units
      expect(results[3]?.[0]?.remaining).toBe(3);
      const alone = await store.evaluate(both.slice(0, 1));
      expect(alone[0]).toMatchObject({ allowed: true, remaining: 2 });
    }
  });
});
