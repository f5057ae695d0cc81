import { describe, expect, it } from "vitest";
import { baseDocument, issuesOf, type MutableDocument } from "../../test/fixtures.ts";
import { compileCentral, compileEdge } from "../compile.ts";
import { validateConfig } from "../parse-config.ts";

function withCache(cache: unknown, route: Record<string, unknown> = {}): MutableDocument {
  const doc = baseDocument();
  Object.assign(doc.routes[0], { cache }, route);
  return doc;
}

describe("routes[].cache", () => {
  it("fills the defaults and compiles into the edge config only", () => {
    const config = validateConfig(withCache({ keyBy: ["consumer"], vary: ["Accept-Language"] }), {});
    expect(config.routes[0]?.cache).toEqual({
      enabled: true,
      defaultTtlSeconds: 0,
      keyBy: ["consumer"],
      vary: ["accept-language"],
      staleWhileRevalidateSeconds: 0,
      staleIfErrorSeconds: 0,
      maxBodyBytes: 5 * 1024 * 1024,
      stripTargetedHeaders: true,
      shareSetCookie: false,
    });
    expect(compileEdge(config).routes[0]?.cache?.keyBy).toEqual(["consumer"]);
    expect(compileCentral(config).routes[0]).not.toHaveProperty("cache");
    expect(compileEdge(config).routes[1]).not.toHaveProperty("cache");
  });

  it.each<[string, unknown, Record<string, unknown>, string[]]>([
    ["unknown key", { ttl: 5 }, {}, ["routes[0].cache.ttl: unknown key"]],
    [
      "negative ttl",
      { defaultTtlSeconds: -1 },
      {},
      ["routes[0].cache.defaultTtlSeconds: must be a non-negative integer"],
    ],
    [
      "unknown key part",
      { keyBy: ["ip"] },
      {},
      ['routes[0].cache.keyBy[0]: must be one of consumer, tenant (got "ip")'],
    ],
    ["header name", { vary: ["bad header"] }, {}, ["routes[0].cache.vary[0]: must be an HTTP header name"]],
    [
      "methods without GET",
      {},
      { methods: ["POST"] },
      ["routes[0].cache: the route's methods (POST) exclude GET, so nothing could be cached"],
    ],
    [
      "consumer key on a public route",
      { keyBy: ["consumer"] },
      { auth: "public", rateLimit: [] },
      ["routes[0].cache.keyBy[0]: a public route has no consumer to key the cache by"],
    ],
    [
      "vary on credentials",
      { vary: ["authorization"] },
      {},
      [
        'routes[0].cache.vary[0]: varying on "authorization" keys the cache by raw credentials; use keyBy: [consumer] instead',
      ],
    ],
    [
      "vary on a header the gateway removes",
      { vary: ["x-user-id"] },
      {},
      [
        'routes[0].cache.vary[0]: "x-user-id" is removed or fixed by the gateway, so varying on it has no effect',
      ],
    ],
  ])("rejects %s", (_title, cache, route, expected) => {
    const issues = issuesOf(withCache(cache, route));
    expect(issues).toEqual(expected);
  });
});
