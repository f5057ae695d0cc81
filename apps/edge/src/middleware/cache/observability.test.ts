import { EDGE_CACHE_HEADER } from "@gateway/types";
import { describe, expect, it } from "vitest";
import type { EdgeAccessLogEntry } from "../access-log/index.ts";
import { createCacheFixture, ok, originRequests, program, uniquePath } from "./test-fixture.ts";

describe("edge cache: what the access log and central learn", () => {
  it("tells central why it forwarded (x-gateway-cache) and logs miss, then hit without an upstream", async () => {
    const entries: EdgeAccessLogEntry[] = [];
    const cache = await createCacheFixture({ log: (entry) => entries.push(entry) });
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60", [], "first"));
    expect((await cache.send(path)).headers.get("x-cache")).toBe("MISS");
    expect((await cache.send(path)).headers.get("x-cache")).toBe("HIT");
    expect((await cache.send(path, { headers: { "cache-control": "no-store" } })).status).toBe(200);

    const seen = await originRequests(path);
    expect(seen.map((request) => request.headers[EDGE_CACHE_HEADER])).toEqual(["uri-miss", "request"]);
    expect(entries.map((entry) => [entry.cache, entry.upstream === null])).toEqual([
      ["miss", false],
      ["hit", true],
      ["bypass", false],
    ]);
  });

  it("a client's own x-gateway-cache never reaches central", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/off");
    await program(path, ok("max-age=60"));
    await cache.send(path, { headers: { [EDGE_CACHE_HEADER]: "uri-miss" } });
    expect((await originRequests(path))[0]?.headers[EDGE_CACHE_HEADER]).toBeUndefined();
  });
});
