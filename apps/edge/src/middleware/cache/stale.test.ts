import { describe, expect, it } from "vitest";
import { createCacheFixture, ok, originHits, program, uniquePath } from "./test-fixture.ts";

describe("edge cache: stale-while-revalidate and stale-if-error (RFC 5861)", () => {
  it("serves stale at once and refreshes in the background, one refresh per key at a time", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/swr");
    await program(path, ok("max-age=1", [], "v1"), ok("max-age=60", [], "v2"), ok("max-age=60", [], "v3"));
    await cache.send(path);
    cache.advance(5);
    const answers = await cache.sendAll([[path], [path], [path], [path]]);
    for (const answer of answers) {
      expect(answer.text_).toBe("v1");
      expect(answer.headers.get("x-cache")).toBe("STALE");
      expect(answer.headers.get("cache-status")).toMatch(/^gateway-edge; hit; ttl=-\d+$/);
    }
    expect(await originHits(path)).toBe(2);
    const refreshed = await cache.send(path);
    expect(refreshed.text_).toBe("v2");
    expect(refreshed.headers.get("x-cache")).toBe("HIT");
  });

  it("the response's stale-while-revalidate wins over the route default, and its window ends", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=1, stale-while-revalidate=10", [], "v1"), ok("max-age=60", [], "v2"));
    await cache.send(path);
    cache.advance(5);
    expect((await cache.send(path)).headers.get("x-cache")).toBe("STALE");
    const late = uniquePath("/c/public");
    await program(late, ok("max-age=1, stale-while-revalidate=10", [], "v1"), ok("max-age=60", [], "v2"));
    await cache.send(late);
    cache.advance(30);
    const answer = await cache.send(late);
    expect(answer.text_).toBe("v2");
    expect(answer.headers.get("x-cache")).toBe("MISS");
  });

  it("serves stale when central answers 5xx or cannot be reached, within the stale-if-error window", async () => {
    const cache = await createCacheFixture();
    for (const failure of [{ status: 503 }, { status: 500 }, { destroy: true }]) {
      const path = uniquePath("/c/swr");
      await program(path, ok("max-age=1, stale-while-revalidate=0", [], "kept"), failure);
      await cache.send(path);
      cache.advance(100);
      const answer = await cache.send(path);
      expect(answer.status, JSON.stringify(failure)).toBe(200);
      expect(answer.text_).toBe("kept");
      expect(answer.headers.get("x-cache")).toBe("STALE");
      expect(answer.headers.get("cache-status")).toContain("fwd=stale; fwd-status=");
    }
    const expired = uniquePath("/c/swr");
    await program(expired, ok("max-age=1, stale-while-revalidate=0", [], "kept"), {
      status: 503,
      body: "down",
    });
    await cache.send(expired);
    cache.advance(400);
    expect((await cache.send(expired)).status).toBe(503);
  });

  it("does not serve stale on errors without a stale-if-error window", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=1", [], "kept"), { status: 502, body: "bad gateway" });
    await cache.send(path);
    cache.advance(5);
    expect((await cache.send(path)).status).toBe(502);
  });
});
