// The store contract, for the in-process store and for Redis (a real redis-server).
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createMemoryConsumerStore } from "./store-memory.ts";
import { createRedisConsumerStore } from "./store-redis.ts";
import type { Consumer, ConsumerStore, StoredKey } from "./types.ts";

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject("redisUrl"));
});
afterAll(async () => {
  await redis.quit();
});

const consumer = (id: string): Consumer => ({
  id,
  name: `Consumer ${id}`,
  roles: ["reader"],
  scopes: ["items:read"],
  tenant: "acme",
  rateLimit: [],
  createdAt: 1000,
});
const key = (id: string, consumerId: string, extra: Partial<StoredKey> = {}): StoredKey => ({
  id,
  consumerId,
  hash: `hash-${id}`,
  prefix: "gw_test_abcd",
  createdAt: 2000,
  ...extra,
});

describe.each([
  { name: "memory", make: (): ConsumerStore => createMemoryConsumerStore() },
  {
    name: "redis",
    make: (): ConsumerStore => createRedisConsumerStore(redis, { namespace: `test:{${randomUUID()}}:` }),
  },
])("$name consumer store", ({ make }) => {
  it("creates a consumer once, reads, lists, updates and deletes it", async () => {
    const store = make();
    expect(await store.createConsumer(consumer("a"))).toBe(true);
    expect(await store.createConsumer({ ...consumer("a"), name: "again" })).toBe(false);
    expect(await store.createConsumer(consumer("b"))).toBe(true);
    expect(await store.getConsumer("a")).toEqual(consumer("a"));
    expect((await store.listConsumers()).map((c) => c.id)).toEqual(["a", "b"]);
    expect(await store.updateConsumer({ ...consumer("a"), roles: ["admin"] })).toBe(true);
    expect((await store.getConsumer("a"))?.roles).toEqual(["admin"]);
    expect(await store.updateConsumer(consumer("missing"))).toBe(false);
    expect(await store.deleteConsumer("a")).toBe(true);
    expect(await store.deleteConsumer("a")).toBe(false);
    expect(await store.getConsumer("a")).toBeUndefined();
    expect((await store.listConsumers()).map((c) => c.id)).toEqual(["b"]);
  });

  it("finds keys by id and by hash, lists them per consumer, replaces them", async () => {
    const store = make();
    await store.createConsumer(consumer("c"));
    await store.putKey(key("k1", "c"));
    await store.putKey(key("k2", "c", { createdAt: 3000, expiresAt: 9000 }));
    expect(await store.getKey("k1")).toEqual(key("k1", "c"));
    expect(await store.getKeyByHash("hash-k2")).toEqual(key("k2", "c", { createdAt: 3000, expiresAt: 9000 }));
    expect(await store.getKeyByHash("hash-none")).toBeUndefined();
    expect((await store.listKeys("c")).map((k) => k.id)).toEqual(["k1", "k2"]);
    await store.putKey(key("k1", "c", { revokedAt: 5000 }));
    expect((await store.getKeyByHash("hash-k1"))?.revokedAt).toBe(5000);
  });

  it("records last-used times in a batch", async () => {
    const store = make();
    await store.createConsumer(consumer("d"));
    await store.putKey(key("k3", "d"));
    await store.putKey(key("k4", "d"));
    await store.recordLastUsed(
      new Map([
        ["k3", 7000],
        ["k4", 8000],
      ]),
    );
    const keys = await store.listKeys("d");
    expect(keys.map((k) => k.lastUsedAt)).toEqual([7000, 8000]);
    expect((await store.getKey("k3"))?.lastUsedAt).toBe(7000);
  });

  it("deleting a consumer deletes its keys (they no longer verify)", async () => {
    const store = make();
    await store.createConsumer(consumer("e"));
    await store.createConsumer(consumer("f"));
    await store.putKey(key("k5", "e"));
    await store.putKey(key("k6", "f"));
    await store.deleteConsumer("e");
    expect(await store.getKeyByHash("hash-k5")).toBeUndefined();
    expect(await store.getKey("k5")).toBeUndefined();
    expect(await store.getKeyByHash("hash-k6")).toBeDefined();
  });
});
