import { describe, expect, it } from "vitest";
import { createCacheFixture, ok, originHits, program, uniquePath } from "./test-fixture.ts";

const HOUR = 3600;

describe("edge cache: storing and freshness (RFC 9111 §3, §4.2)", () => {
  it("stores a fresh response and serves it with Age, Cache-Status and X-Cache", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60", [["etag", '"v1"']], "first"), ok("max-age=60", [], "second"));

    const miss = await cache.send(path);
    expect(miss.status).toBe(200);
    expect(miss.text_).toBe("first");
    expect(miss.headers.get("x-cache")).toBe("MISS");
    // Date has whole seconds, so the remaining lifetime may read one second less.
    expect(miss.headers.get("cache-status")).toMatch(
      /^gateway-edge; fwd=uri-miss; fwd-status=200; ttl=(59|60); stored$/,
    );

    cache.advance(10);
    const hit = await cache.send(path);
    expect(hit.text_).toBe("first");
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(hit.headers.get("etag")).toBe('"v1"');
    expect(hit.headers.get("content-length")).toBe("5");
    // The edge clock moved 10 s; Date has whole seconds, so up to 1 s of apparent age may add to it.
    expect(hit.headers.get("cache-status")).toMatch(/^gateway-edge; hit; ttl=(49|50)$/);
    expect(Number(hit.headers.get("age"))).toBeGreaterThanOrEqual(10);
    expect(Number(hit.headers.get("age"))).toBeLessThan(15);
    expect(await originHits(path)).toBe(1);
  });

  it("stops serving once max-age has passed, counting the Age the response arrived with (§4.2.3)", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60", [["age", "50"]]));
    await cache.send(path);
    cache.advance(5);
    const hit = await cache.send(path);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(Number(hit.headers.get("age"))).toBeGreaterThanOrEqual(55);
    cache.advance(6);
    expect((await cache.send(path)).headers.get("x-cache")).toBe("MISS");
    expect(await originHits(path)).toBe(2);
  });

  it("treats an invalid Age as absent and a huge one as stale (§5.1)", async () => {
    const cache = await createCacheFixture();
    const invalid = uniquePath("/c/public");
    await program(invalid, ok("max-age=60", [["age", "1.5"]]));
    await cache.send(invalid);
    expect((await cache.send(invalid)).headers.get("x-cache")).toBe("HIT");
    const huge = uniquePath("/c/public");
    await program(huge, ok("max-age=60", [["age", "2147483648"]]));
    await cache.send(huge);
    await cache.send(huge);
    expect(await originHits(huge)).toBe(2);
  });

  it.each([
    ["no-store", "no-store, max-age=60"],
    ["No-StOrE in any case", "No-StOrE, max-age=60"],
    ["private", "private, max-age=60"],
    ["max-age=0", "max-age=0"],
    ["negative max-age", "max-age=-1"],
    ["max-age in a quoted string only", 'foo="max-age=600", max-age=0'],
  ])("does not reuse a response with %s", async (_name, cacheControl) => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok(cacheControl));
    await cache.send(path);
    const second = await cache.send(path);
    expect(second.headers.get("x-cache")).toBe("MISS");
    expect(await originHits(path)).toBe(2);
  });

  it("uses the first of duplicated directives and ignores unknown extensions", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok('max-age=60, max-age=0, x-unknown="a, b", community=UCI'));
    await cache.send(path);
    expect((await cache.send(path)).headers.get("x-cache")).toBe("HIT");
  });

  it("prefers s-maxage over max-age in both directions", async () => {
    const cache = await createCacheFixture();
    const longer = uniquePath("/c/public");
    await program(longer, ok("max-age=1, s-maxage=100"));
    await cache.send(longer);
    cache.advance(10);
    expect((await cache.send(longer)).headers.get("x-cache")).toBe("HIT");
    const shorter = uniquePath("/c/public");
    await program(shorter, ok("max-age=100, s-maxage=1"));
    await cache.send(shorter);
    cache.advance(10);
    expect((await cache.send(shorter)).headers.get("x-cache")).toBe("MISS");
  });

  it("reads Expires against Date, and an invalid Expires as already expired (§5.3)", async () => {
    const cache = await createCacheFixture();
    const valid = uniquePath("/c/public");
    await program(valid, {
      headers: [
        ["date", new Date().toUTCString()],
        ["expires", new Date(Date.now() + 60_000).toUTCString()],
      ],
    });
    await cache.send(valid);
    expect((await cache.send(valid)).headers.get("x-cache")).toBe("HIT");
    for (const expires of ["0", "Sun, 06 Nov 1994 08:49:37 UTC", "2099-01-01"]) {
      const path = uniquePath("/c/public");
      await program(path, {
        headers: [
          ["expires", expires],
          ["last-modified", "Mon, 01 Jan 2001 00:00:00 GMT"],
        ],
      });
      await cache.send(path);
      await cache.send(path);
      expect(await originHits(path), expires).toBe(2);
    }
  });

  it("ignores Pragma on responses", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60", [["pragma", "no-cache"]]));
    await cache.send(path);
    expect((await cache.send(path)).headers.get("x-cache")).toBe("HIT");
  });

  it("uses the Last-Modified heuristic only for heuristically cacheable statuses", async () => {
    const cache = await createCacheFixture();
    const lastModified = new Date(Date.now() - 100 * 24 * HOUR * 1000).toUTCString();
    const cacheable = uniquePath("/c/public");
    await program(cacheable, { status: 200, headers: [["last-modified", lastModified]] });
    await cache.send(cacheable);
    cache.advance(HOUR);
    expect((await cache.send(cacheable)).headers.get("x-cache")).toBe("HIT");
    for (const status of [201, 202, 403, 502, 503, 302]) {
      const path = uniquePath("/c/public");
      await program(path, { status, headers: [["last-modified", lastModified]] });
      await cache.send(path);
      await cache.send(path);
      expect(await originHits(path), String(status)).toBe(2);
    }
  });

  it("stores any final status with explicit freshness (§3), never a 206, and no heuristic for others", async () => {
    const cache = await createCacheFixture();
    for (const [status, cacheControl, hits] of [
      [404, "max-age=60", 1],
      [301, "max-age=60", 1],
      [299, "max-age=60", 1],
      [500, "max-age=60", 1],
      [206, "max-age=60", 2],
    ] as const) {
      const path = uniquePath("/c/public");
      await program(path, {
        status,
        headers: [
          ["cache-control", cacheControl],
          ["location", "/elsewhere"],
          ["content-range", "bytes 0-5/10"],
        ],
      });
      await cache.send(path);
      await cache.send(path);
      expect(await originHits(path), String(status)).toBe(hits);
    }
    const heuristicOnly = uniquePath("/c/public");
    await program(heuristicOnly, {
      status: 599,
      headers: [["last-modified", "Mon, 01 Jan 2001 00:00:00 GMT"]],
    });
    await cache.send(heuristicOnly);
    await cache.send(heuristicOnly);
    expect(await originHits(heuristicOnly)).toBe(2);
  });

  it("defaultTtlSeconds gives freshness to responses that state none, never overriding the response", async () => {
    const cache = await createCacheFixture();
    const silent = uniquePath("/c/ttl");
    await program(silent, { status: 200 });
    await cache.send(silent);
    cache.advance(20);
    expect((await cache.send(silent)).headers.get("x-cache")).toBe("HIT");
    cache.advance(20);
    expect((await cache.send(silent)).headers.get("x-cache")).toBe("MISS");
    for (const response of [
      ok("no-cache"),
      ok("max-age=0"),
      { status: 302, headers: [["location", "/x"]] as Array<[string, string]> },
    ]) {
      const path = uniquePath("/c/ttl");
      await program(path, response);
      await cache.send(path);
      await cache.send(path);
      expect(await originHits(path)).toBe(2);
    }
  });

  it("stores the response with must-understand and no-store when it understands the status", async () => {
    const cache = await createCacheFixture();
    const understood = uniquePath("/c/public");
    await program(understood, ok("no-store, must-understand, max-age=60"));
    await cache.send(understood);
    expect((await cache.send(understood)).headers.get("x-cache")).toBe("HIT");
    const unknown = uniquePath("/c/public");
    await program(unknown, {
      status: 299,
      headers: [["cache-control", "no-store, must-understand, max-age=60"]],
    });
    await cache.send(unknown);
    await cache.send(unknown);
    expect(await originHits(unknown)).toBe(2);
  });

  it("does not store the fields of a qualified private, nor per-exchange gateway fields", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(
      path,
      ok('max-age=60, private="x-secret"', [
        ["x-secret", "alice-session"],
        ["x-visible", "yes"],
        ["ratelimit", '"per-ip";r=5;t=60'],
        ["server-timing", "central;dur=5"],
      ]),
    );
    const first = await cache.send(path);
    expect(first.headers.get("x-secret")).toBe("alice-session");
    const hit = await cache.send(path);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(hit.headers.get("x-secret")).toBeNull();
    expect(hit.headers.get("x-visible")).toBe("yes");
    // Per-exchange gateway fields describe the trip to central, not the representation.
    expect(hit.headers.get("ratelimit")).toBeNull();
    expect(hit.headers.get("server-timing")).not.toContain("central");
  });

  it("does not share responses that set cookies", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60", [["set-cookie", "session=alice"]]));
    await cache.send(path);
    const second = await cache.send(path);
    expect(second.headers.get("x-cache")).toBe("MISS");
    expect(second.headers.get("cache-status")).toContain('detail="Set-Cookie"');
  });

  it("keeps different query strings apart and leaves routes without cache alone", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60", [], "same body"));
    await cache.send(`${path}?a=1`);
    expect((await cache.send(`${path}?a=2`)).headers.get("x-cache")).toBe("MISS");
    expect((await cache.send(`${path}?a=1`)).headers.get("x-cache")).toBe("HIT");
    const off = uniquePath("/c/off");
    await program(off, ok("max-age=60"));
    const response = await cache.send(off);
    expect(response.headers.get("x-cache")).toBeNull();
    await cache.send(off);
    expect(await originHits(off)).toBe(2);
  });
});
