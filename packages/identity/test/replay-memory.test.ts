import { describe, expect, it } from "vitest";
import { createMemoryReplayStore } from "../src/index.ts";

describe("createMemoryReplayStore", () => {
  it("remembers a jti until it expires, then accepts it again", async () => {
    let nowMs = 1_000_000;
    const store = createMemoryReplayStore({ now: () => nowMs });
    expect(await store.remember("jti-1", 1_010)).toBe(true);
    expect(await store.remember("jti-1", 1_010)).toBe(false);
    nowMs = 1_009_999;
    expect(await store.remember("jti-1", 1_010)).toBe(false);
    nowMs = 1_010_000;
    expect(await store.remember("jti-1", 1_020)).toBe(true);
    expect(await store.remember("jti-1", 1_020)).toBe(false);
  });

  it("when full, evicts expired entries before live ones", async () => {
    let nowMs = 0;
    const store = createMemoryReplayStore({ maxEntries: 3, now: () => nowMs });
    expect(await store.remember("live-1", 100)).toBe(true);
    expect(await store.remember("short", 5)).toBe(true);
    expect(await store.remember("live-2", 100)).toBe(true);
    nowMs = 10_000;
    expect(await store.remember("new", 100)).toBe(true);
    // "short" made room; the live ones are still remembered.
    expect(await store.remember("live-1", 100)).toBe(false);
    expect(await store.remember("live-2", 100)).toBe(false);
    expect(await store.remember("new", 100)).toBe(false);
  });

  it("stays bounded under a flood of live jtis by dropping the oldest", async () => {
    const store = createMemoryReplayStore({ maxEntries: 100, now: () => 0 });
    for (let i = 0; i < 1_000; i++) expect(await store.remember(`flood-${i}`, 1_000)).toBe(true);
    expect(await store.remember("flood-999", 1_000)).toBe(false);
    expect(await store.remember("flood-900", 1_000)).toBe(false);
    // The oldest were dropped to stay within maxEntries.
    expect(await store.remember("flood-0", 1_000)).toBe(true);
  });

  it("rejects a nonsensical bound", () => {
    expect(() => createMemoryReplayStore({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});
