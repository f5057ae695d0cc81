import { describe, expect, it } from "vitest";
import { hashKey, KEY_PATTERN } from "./key-material.ts";
import { createLastUsedRecorder } from "./last-used.ts";
import { createConsumerService } from "./service.ts";
import { createMemoryConsumerStore } from "./store-memory.ts";

const pepper = Buffer.from("a-test-pepper-that-is-long-enough-for-hmac");

function setup() {
  let clock = 1_000_000;
  const store = createMemoryConsumerStore();
  const writes: Array<ReadonlyMap<string, number>> = [];
  const lastUsed = createLastUsedRecorder({
    write: async (times) => {
      writes.push(new Map(times));
      await store.recordLastUsed(times);
    },
    intervalMs: 3_600_000,
  });
  const service = createConsumerService({
    store,
    pepper,
    policyNames: ["per-key"],
    lastUsed,
    defaultEnvironment: "live",
    now: () => clock,
  });
  return { service, store, lastUsed, writes, advance: (ms: number) => (clock += ms) };
}

describe("consumer service", () => {
  it("issues gw_live_ keys with 256 random bits; only the peppered hash and a prefix are stored", async () => {
    const { service, store } = setup();
    await service.createConsumer({ id: "acme", name: "Acme" });
    const created = await service.createKey("acme");
    expect(created.key).toMatch(KEY_PATTERN);
    expect(created.key.startsWith("gw_live_")).toBe(true);
    expect(created.record).not.toHaveProperty("hash");
    const [stored] = await store.listKeys("acme");
    expect(stored?.hash).toBe(hashKey(pepper, created.key));
    expect(stored?.prefix).toBe(created.key.slice(0, 12));
    expect(JSON.stringify(stored)).not.toContain(created.key.slice(12));
    expect((await service.createKey("acme", { environment: "test" })).key.startsWith("gw_test_")).toBe(true);
  });

  it("verifies a key to its consumer; unknown, malformed, revoked and expired are told apart", async () => {
    const { service, advance } = setup();
    await service.createConsumer({ id: "acme", name: "Acme", roles: ["r"], scopes: ["s"], tenant: "t1" });
    const live = await service.createKey("acme");
    expect(await service.verify(live.key)).toEqual({
      valid: true,
      keyId: live.record.id,
      consumer: { id: "acme", roles: ["r"], scopes: ["s"], tenant: "t1" },
    });
    expect(await service.verify(`gw_live_${"A".repeat(43)}`)).toEqual({ valid: false, reason: "unknown" });
    expect(await service.verify("not a key")).toEqual({ valid: false, reason: "unknown" });

    const revoked = await service.createKey("acme");
    await service.revokeKey(revoked.record.id);
    expect(await service.verify(revoked.key)).toEqual({ valid: false, reason: "revoked" });

    const shortLived = await service.createKey("acme", { expiresInSeconds: 60 });
    expect(await service.verify(shortLived.key)).toMatchObject({
      valid: true,
      expiresAt: 1_000_000 + 60_000,
    });
    advance(60_000);
    expect(await service.verify(shortLived.key)).toEqual({ valid: false, reason: "expired" });
  });

  it("rotation: both keys work during the overlap, then only the new one", async () => {
    const { service, advance } = setup();
    await service.createConsumer({ id: "acme", name: "Acme" });
    const old = await service.createKey("acme");
    const rotated = await service.rotateKey(old.record.id, { overlapSeconds: 300 });
    expect(rotated.key).not.toBe(old.key);
    expect(rotated.previous).toMatchObject({
      id: old.record.id,
      status: "active",
      expiresAt: 1_000_000 + 300_000,
    });
    expect((await service.verify(old.key)).valid).toBe(true);
    expect((await service.verify(rotated.key)).valid).toBe(true);
    advance(300_000);
    expect(await service.verify(old.key)).toEqual({ valid: false, reason: "expired" });
    expect((await service.verify(rotated.key)).valid).toBe(true);
    await expect(service.rotateKey(old.record.id)).rejects.toMatchObject({ code: "conflict" });
  });

  it("refuses unknown policy names, duplicate ids and missing consumers", async () => {
    const { service } = setup();
    await expect(service.createConsumer({ name: "x", rateLimit: ["nope"] })).rejects.toMatchObject({
      code: "bad_request",
    });
    await service.createConsumer({ id: "acme", name: "Acme", rateLimit: ["per-key"] });
    await expect(service.createConsumer({ id: "acme", name: "Again" })).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(service.createKey("ghost")).rejects.toMatchObject({ code: "not_found" });
    await expect(service.revokeKey("key_ghost")).rejects.toMatchObject({ code: "not_found" });
  });

  it("deleting a consumer invalidates its keys", async () => {
    const { service } = setup();
    await service.createConsumer({ id: "acme", name: "Acme" });
    const created = await service.createKey("acme");
    await service.deleteConsumer("acme");
    expect(await service.verify(created.key)).toEqual({ valid: false, reason: "unknown" });
  });

  it("last-used times are coalesced: many verifications, one write per key per flush", async () => {
    const { service, lastUsed, writes, advance } = setup();
    await service.createConsumer({ id: "acme", name: "Acme" });
    const a = await service.createKey("acme");
    const b = await service.createKey("acme");
    for (let i = 0; i < 50; i++) {
      advance(10);
      await service.verify(a.key);
      await service.verify(b.key);
    }
    await lastUsed.flush();
    expect(writes).toHaveLength(1);
    expect(writes[0]?.size).toBe(2);
    expect(writes[0]?.get(a.record.id)).toBe(1_000_000 + 500);
    expect((await service.getKey(a.record.id)).lastUsedAt).toBe(1_000_000 + 500);
    await lastUsed.flush();
    expect(writes).toHaveLength(1);
    await lastUsed.close();
  });
});
