import { describe, expect, it } from "vitest";
import { createCacheFixture, ok, originHits, originRequests, program, uniquePath } from "./test-fixture.ts";

describe("edge cache: validation and conditional requests (RFC 9111 §4.3)", () => {
  it("revalidates a stale entry with its validators and updates the stored headers from the 304", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(
      path,
      ok(
        "max-age=1",
        [
          ["etag", '"v1"'],
          ["last-modified", "Mon, 01 Jan 2001 00:00:00 GMT"],
          ["x-version", "1"],
          ["x-untouched", "kept"],
        ],
        "stored body",
      ),
      {
        status: 304,
        headers: [
          ["etag", '"v1"'],
          ["cache-control", "max-age=60"],
          ["x-version", "2"],
          ["content-length", "999"],
        ],
      },
    );
    await cache.send(path);
    cache.advance(5);
    const revalidated = await cache.send(path);
    expect(revalidated.status).toBe(200);
    expect(revalidated.text_).toBe("stored body");
    expect(revalidated.headers.get("x-cache")).toBe("REVALIDATED");
    expect(revalidated.headers.get("cache-status")).toContain("fwd=stale; fwd-status=304");
    expect(revalidated.headers.get("x-version")).toBe("2");
    expect(revalidated.headers.get("x-untouched")).toBe("kept");
    const sent = (await originRequests(path))[1]?.headers;
    expect(sent?.["if-none-match"]).toBe('"v1"');
    expect(sent?.["if-modified-since"]).toBe("Mon, 01 Jan 2001 00:00:00 GMT");

    cache.advance(30);
    const hit = await cache.send(path);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(hit.headers.get("x-version")).toBe("2");
    expect(hit.headers.get("cache-control")).toBe("max-age=60");
    expect(hit.headers.get("content-length")).not.toBe("999");
    expect(await originHits(path)).toBe(2);
  });

  it("matches a weak ETag in the 304, and refetches when the 304 names another representation", async () => {
    const cache = await createCacheFixture();
    const weak = uniquePath("/c/public");
    await program(weak, ok("max-age=1", [["etag", 'W/"w1"']], "weak"), {
      status: 304,
      headers: [["etag", 'W/"w1"']],
    });
    await cache.send(weak);
    cache.advance(5);
    expect((await cache.send(weak)).text_).toBe("weak");

    const other = uniquePath("/c/public");
    await program(
      other,
      ok("max-age=1", [["etag", '"a"']], "old"),
      { status: 304, headers: [["etag", '"b"']] },
      ok("max-age=60", [["etag", '"b"']], "new"),
    );
    await cache.send(other);
    cache.advance(5);
    const answer = await cache.send(other);
    expect(answer.status).toBe(304);
    expect(answer.headers.get("etag")).toBe('"b"');
  });

  it("always revalidates no-cache responses (with and without field names for the stored fields)", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("no-cache, max-age=3600", [["etag", '"n1"']], "body"), {
      status: 304,
      headers: [["etag", '"n1"']],
    });
    await cache.send(path);
    const second = await cache.send(path);
    expect(second.headers.get("x-cache")).toBe("REVALIDATED");
    expect(second.text_).toBe("body");
    expect((await originRequests(path))[1]?.headers["if-none-match"]).toBe('"n1"');

    const qualified = uniquePath("/c/public");
    await program(qualified, ok('no-cache="x-user-note", max-age=60', [["x-user-note", "for alice"]]));
    await cache.send(qualified);
    const hit = await cache.send(qualified);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(hit.headers.get("x-user-note")).toBeNull();
  });

  it("never serves a stale must-revalidate, proxy-revalidate or s-maxage response without validation", async () => {
    const cache = await createCacheFixture();
    for (const cacheControl of ["max-age=1, must-revalidate", "max-age=1, proxy-revalidate", "s-maxage=1"]) {
      const path = uniquePath("/c/swr");
      await program(path, ok(cacheControl, [], "stored"), { status: 503, body: "down" });
      await cache.send(path);
      cache.advance(5);
      const answer = await cache.send(path);
      expect(answer.status, cacheControl).toBe(503);
      expect(answer.headers.get("x-cache")).toBe("MISS");
    }
  });

  it("answers a client's conditional request with 304 from a fresh entry (weak comparison)", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(
      path,
      ok(
        "max-age=60",
        [
          ["etag", '"e1"'],
          ["last-modified", "Mon, 01 Jan 2001 00:00:00 GMT"],
        ],
        "x",
      ),
    );
    await cache.send(path);
    const conditionals: Array<Record<string, string>> = [
      { "if-none-match": '"e1"' },
      { "if-none-match": 'W/"e1"' },
      { "if-none-match": '"zz", "e1"' },
      { "if-modified-since": "Tue, 02 Jan 2001 00:00:00 GMT" },
    ];
    for (const headers of conditionals) {
      const answer = await cache.send(path, { headers });
      expect(answer.status, JSON.stringify(headers)).toBe(304);
      expect(answer.headers.get("etag")).toBe('"e1"');
      expect(answer.text_).toBe("");
    }
    const precedence = await cache.send(path, {
      headers: { "if-none-match": '"other"', "if-modified-since": "Tue, 02 Jan 2001 00:00:00 GMT" },
    });
    expect(precedence.status).toBe(200);
    expect(await originHits(path)).toBe(1);
  });

  it("answers a client's conditional itself on a miss, so the full response can be stored", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60", [["etag", '"m1"']], "full"));
    const answer = await cache.send(path, { headers: { "if-none-match": '"m1"' } });
    expect(answer.status).toBe(304);
    expect((await originRequests(path))[0]?.headers["if-none-match"]).toBeUndefined();
    const full = await cache.send(path);
    expect(full.headers.get("x-cache")).toBe("HIT");
    expect(full.text_).toBe("full");
  });
});

describe("edge cache: request directives (RFC 9111 §5.2.1)", () => {
  it("no-cache and Pragma: no-cache make the cache validate; max-age and min-fresh limit what it serves", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=100", [], "body"));
    await cache.send(path);
    cache.advance(10);
    expect(
      (await cache.send(path, { headers: { "cache-control": "no-cache" } })).headers.get("cache-status"),
    ).toContain("fwd=request");
    expect(await originHits(path)).toBe(2);
    expect((await cache.send(path, { headers: { pragma: "no-cache" } })).headers.get("x-cache")).not.toBe(
      "HIT",
    );
    expect(await originHits(path)).toBe(3);
    cache.advance(10);
    expect(
      (await cache.send(path, { headers: { "cache-control": "max-age=5" } })).headers.get("x-cache"),
    ).not.toBe("HIT");
    expect(
      (await cache.send(path, { headers: { "cache-control": "max-age=50" } })).headers.get("x-cache"),
    ).toBe("HIT");
    expect(
      (await cache.send(path, { headers: { "cache-control": "min-fresh=99" } })).headers.get("x-cache"),
    ).not.toBe("HIT");
    expect(
      (await cache.send(path, { headers: { "cache-control": "min-fresh=10" } })).headers.get("x-cache"),
    ).toBe("HIT");
  });

  it("max-stale accepts a stale entry within its bound", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=10", [], "old"), ok("max-age=10", [], "new"));
    await cache.send(path);
    cache.advance(30);
    const stale = await cache.send(path, { headers: { "cache-control": "max-stale=60" } });
    expect(stale.headers.get("x-cache")).toBe("STALE");
    expect(stale.text_).toBe("old");
    expect((await cache.send(path, { headers: { "cache-control": "max-stale" } })).text_).toBe("old");
    expect((await cache.send(path, { headers: { "cache-control": "max-stale=5" } })).text_).toBe("new");
  });

  it("only-if-cached answers 504 not_cached without contacting central, and serves a stored entry", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60"));
    const none = await cache.send(path, { headers: { "cache-control": "only-if-cached" } });
    expect(none.status).toBe(504);
    expect(JSON.parse(none.text_).error.code).toBe("not_cached");
    expect(await originHits(path)).toBe(0);
    await cache.send(path);
    const hit = await cache.send(path, { headers: { "cache-control": "only-if-cached" } });
    expect(hit.status).toBe(200);
    expect(hit.headers.get("x-cache")).toBe("HIT");
  });

  it("no-store in the request bypasses the cache and stores nothing", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60"));
    const bypass = await cache.send(path, { headers: { "cache-control": "no-store" } });
    expect(bypass.headers.get("x-cache")).toBe("BYPASS");
    expect((await cache.send(path)).headers.get("x-cache")).toBe("MISS");
  });
});

describe("edge cache: HEAD, Range and invalidation", () => {
  it("answers HEAD from a stored GET, without a body", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60", [["x-meta", "m"]], "get body"));
    await cache.send(path);
    const head = await cache.send(path, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("x-cache")).toBe("HIT");
    expect(head.headers.get("x-meta")).toBe("m");
    expect(head.text_).toBe("");
    expect(await originHits(path)).toBe(1);
  });

  it("answers a single range from a fresh stored 200, and passes other Range requests through unstored", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(
      path,
      {
        status: 206,
        headers: [
          ["cache-control", "max-age=60"],
          ["content-range", "bytes 0-1/10"],
        ],
        body: "ab",
      },
      ok("max-age=60", [], "0123456789"),
    );
    const partial = await cache.send(path, { headers: { range: "bytes=0-1" } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("x-cache")).toBe("BYPASS");
    const full = await cache.send(path);
    expect([full.status, full.text_, full.headers.get("x-cache")]).toEqual([200, "0123456789", "MISS"]);
    for (const [range, status, body, contentRange] of [
      ["bytes=0-1", 206, "01", "bytes 0-1/10"],
      ["bytes=7-", 206, "789", "bytes 7-9/10"],
      ["bytes=-2", 206, "89", "bytes 8-9/10"],
      ["bytes=20-", 416, "", "bytes */10"],
    ] as const) {
      const answer = await cache.send(path, { headers: { range } });
      expect([answer.status, answer.text_, answer.headers.get("content-range")], range).toEqual([
        status,
        body,
        contentRange,
      ]);
      expect(answer.headers.get("x-cache")).toBe("HIT");
    }
    const several = await cache.send(path, { headers: { range: "bytes=0-1,4-5" } });
    expect(several.headers.get("x-cache")).toBe("BYPASS");
    expect(await originHits(path)).toBe(3);
  });

  it("a request right behind a miss waits for the entry being written instead of going to central", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60", [], "once"));
    const [first, second] = await cache.sendAll([[path], [path]]);
    expect(first?.text_).toBe("once");
    expect(second?.text_).toBe("once");
    expect(await originHits(path)).toBeGreaterThanOrEqual(1);
    expect((await cache.send(path)).headers.get("x-cache")).toBe("HIT");
  });

  it("invalidates the target and same-origin Location / Content-Location after a successful unsafe request", async () => {
    const cache = await createCacheFixture();
    const target = uniquePath("/c/public");
    const located = uniquePath("/c/public");
    const foreign = uniquePath("/c/public");
    for (const path of [located, foreign]) await program(path, ok("max-age=60"));
    await program(target, ok("max-age=60"), ok("max-age=60"), ok("max-age=60"));
    for (const path of [target, located, foreign]) await cache.send(path);

    const failed = uniquePath("/c/public");
    await program(failed, ok("max-age=60"));
    await cache.send(failed);

    await program(target, {
      status: 201,
      headers: [
        ["location", `http://edge.test${located}`],
        ["content-location", `https://elsewhere.example${foreign}`],
      ],
    });
    expect((await cache.send(target, { method: "POST", body: "x" })).status).toBe(201);
    await program(target, ok("max-age=60"));
    expect((await cache.send(target)).headers.get("x-cache")).toBe("MISS");
    expect((await cache.send(located)).headers.get("x-cache")).toBe("MISS");
    expect((await cache.send(foreign)).headers.get("x-cache")).toBe("HIT");

    await program(failed, { status: 500 });
    await cache.send(failed, { method: "DELETE" });
    await program(failed, ok("max-age=60"));
    expect((await cache.send(failed)).headers.get("x-cache")).toBe("HIT");
  });
});
