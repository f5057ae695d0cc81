import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createCentralRedis } from "../redis/index.ts";
import { createRedisReplayStore, REPLAY_KEY_PREFIX } from "./redis-store.ts";

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject("redisUrl"));
});
afterAll(() => redis.disconnect());

const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

describe("Redis replay store", () => {
  it("remembers a jti once, until its expiry", async () => {
    const store = createRedisReplayStore(redis);
    const jti = randomUUID();
    expect(await store.remember(jti, inSeconds(30))).toBe(true);
    expect(await store.remember(jti, inSeconds(30))).toBe(false);
    const ttl = await redis.ttl(`${REPLAY_KEY_PREFIX}${jti}`);
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it("exactly one of many concurrent uses wins (two replicas, one Redis)", async () => {
    const other = new Redis(inject("redisUrl"));
    try {
      const replicas = [createRedisReplayStore(redis), createRedisReplayStore(other)];
      const jti = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => replicas[i % 2]?.remember(jti, inSeconds(30))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      other.disconnect();
    }
  });

  it("fails (rejects) rather than answering when Redis is unreachable", async () => {
    const dead = createCentralRedis("redis://127.0.0.1:1", () => {});
    try {
      await expect(createRedisReplayStore(dead).remember(randomUUID(), inSeconds(30))).rejects.toThrow();
    } finally {
      dead.disconnect();
    }
  });
});
