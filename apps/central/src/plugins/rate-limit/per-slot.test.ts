// The cluster path of the Redis store (one script per hash slot, a read-only round
// first), run against a real single Redis with `perSlot: true`, so each round
// and each key can be observed. The real Cluster test is test/topology/.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { policy } from "../../../test/rate-limit/policies.ts";
import { useRedis } from "../../../test/rate-limit/redis-for-tests.ts";
import { slotTag } from "../../redis/hash-tags.ts";
import { REPLAY_KEY_PREFIX, replayKeyOf } from "../../replay/index.ts";
import { DRY_RUN } from "./scripts/evaluate.ts";
import { createRedisRateLimitStore } from "./store-redis.ts";

const redis = useRedis();
const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

/** The store over the test Redis, recording each script call's keys and mode (ARGV[3]). */
function recordingStore() {
  const calls: Array<{ keys: string[]; mode: string }> = [];
  const client = {
    evalsha: (sha: string, count: number, ...rest: Array<string | number>) => {
      calls.push({ keys: rest.slice(0, count).map(String), mode: String(rest[count + 2]) });
      return redis.redis.evalsha(sha, count, ...rest);
    },
    eval: (lua: string, count: number, ...rest: Array<string | number>) =>
      redis.redis.eval(lua, count, ...rest),
  };
  return { calls, store: createRedisRateLimitStore(client as never, { perSlot: true }) };
}

const tight = policy("sliding_window", { limit: 2, windowSeconds: 600 });
const loose = policy("fixed_window", { limit: 100, windowSeconds: 86_400 });
const keysFor = (consumer: string, ip: string) => ({
  tight: `rl:${slotTag("consumer", consumer)}:${tight.name}:${consumer}`,
  loose: `rl:${slotTag("ip", ip)}:${loose.name}:${ip}`,
});

describe("the Redis store, one script per hash slot (Redis Cluster)", () => {
  it("sends one script when every key shares the slot, the jti included", async () => {
    const { calls, store } = recordingStore();
    const consumer = randomUUID();
    const other = `rl:${slotTag("consumer", consumer)}:${loose.name}:${consumer}`;
    const mark = { jti: randomUUID(), expiresAt: inSeconds(30), tag: slotTag("consumer", consumer) };
    const checks = [
      { policy: tight, key: keysFor(consumer, "ip").tight },
      { policy: loose, key: other },
    ];
    expect(await store.evaluateFresh(mark, checks)).toMatchObject([{ allowed: true }, { allowed: true }]);
    expect(calls).toEqual([
      { keys: [`${REPLAY_KEY_PREFIX}${replayKeyOf(mark)}`, ...checks.map((c) => c.key)], mode: "" },
    ]);
  });

  it("across slots: a read-only round, then one consuming script per slot; each counter counts once", async () => {
    const { calls, store } = recordingStore();
    const keys = keysFor(randomUUID(), randomUUID());
    const checks = [
      { policy: tight, key: keys.tight },
      { policy: loose, key: keys.loose },
    ];
    expect(await store.evaluate(checks)).toMatchObject([
      { allowed: true, remaining: 1 },
      { allowed: true, remaining: 99 },
    ]);
    expect(calls.map((call) => call.mode)).toEqual([DRY_RUN, DRY_RUN, "", ""]);
    expect(calls.every((call) => call.keys.length === 1)).toBe(true);
    expect(await redis.redis.hget(keys.loose, "c")).toBe("1");
  });

  it("across slots: a deny in the read-only round writes nothing anywhere", async () => {
    const { calls, store } = recordingStore();
    const keys = keysFor(randomUUID(), randomUUID());
    const checks = [
      { policy: tight, key: keys.tight },
      { policy: loose, key: keys.loose },
    ];
    await store.evaluate(checks);
    await store.evaluate(checks);
    calls.length = 0;
    const denied = await store.evaluate(checks);
    expect(denied.map((decision) => decision.allowed)).toEqual([false, true]);
    expect(calls.map((call) => call.mode)).toEqual([DRY_RUN, DRY_RUN]);
    expect(await redis.redis.hget(keys.loose, "c")).toBe("2");
  });

  it("across slots: a replayed token is found in the read-only round and consumes nothing", async () => {
    const { store } = recordingStore();
    const consumer = randomUUID();
    const keys = keysFor(consumer, randomUUID());
    const checks = [
      { policy: tight, key: keys.tight },
      { policy: loose, key: keys.loose },
    ];
    const mark = { jti: randomUUID(), expiresAt: inSeconds(30), tag: slotTag("consumer", consumer) };
    expect(await store.evaluateFresh(mark, checks)).toHaveLength(2);
    expect(await redis.redis.ttl(`${REPLAY_KEY_PREFIX}${replayKeyOf(mark)}`)).toBeGreaterThan(0);
    expect(await store.evaluateFresh(mark, checks)).toBe("replayed");
    expect(await redis.redis.hget(keys.loose, "c")).toBe("1");
    expect(await redis.redis.zcard(keys.tight)).toBe(1);
  });
});
