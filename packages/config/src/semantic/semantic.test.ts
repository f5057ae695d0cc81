import { describe, expect, it } from "vitest";
import { baseDocument, issuesOf, type MutableDocument } from "../../test/fixtures.ts";
import { validateConfig } from "../parse-config.ts";

type Mutation = (doc: MutableDocument) => void;

const cases: Array<[string, Mutation, string[]]> = [
  [
    "duplicate route name",
    (d) => d.routes.push({ ...d.routes[0], path: "/other" }),
    ['routes[2].name: duplicate route name "users" (also at routes[0])'],
  ],
  [
    "duplicate route path",
    (d) => d.routes.push({ ...d.routes[0], name: "users2" }),
    ['routes[2].path: duplicate route path "/api/users" (also at routes[0])'],
  ],
  [
    "duplicate issuer",
    (d) => d.jwt.issuers.push({ ...d.jwt.issuers[0] }),
    ['jwt.issuers[1].name: duplicate issuer name "dev" (also at jwt.issuers[0])'],
  ],
  [
    "duplicate policy",
    (d) => d.rateLimits.policies.push({ ...d.rateLimits.policies[0] }),
    ['rateLimits.policies[2].name: duplicate policy name "per-user" (also at rateLimits.policies[0])'],
  ],
  [
    "duplicate edge policy",
    (d) => d.rateLimits.edge.push({ ...d.rateLimits.edge[0] }),
    ['rateLimits.edge[1].name: duplicate edge policy name "ip-coarse" (also at rateLimits.edge[0])'],
  ],
  [
    "unknown issuer",
    (d) => (d.routes[0].issuers = ["dev", "prod"]),
    ['routes[0].issuers[1]: unknown issuer "prod" (configured: dev)'],
  ],
  [
    "jwt route without issuers",
    (d) => (d.jwt.issuers = []),
    ['routes[0].auth: auth "jwt" needs at least one issuer in jwt.issuers'],
  ],
  [
    "issuers on a public route",
    (d) => (d.routes[1].issuers = ["dev"]),
    ["routes[1].issuers: only applies when auth is jwt or any, not public"],
  ],
  [
    "public route with roles",
    (d) => (d.routes[1].roles = ["admin"]),
    ["routes[1].roles: a public route cannot require roles"],
  ],
  [
    "public route with scopes",
    (d) => (d.routes[1].scopes = ["read"]),
    ["routes[1].scopes: a public route cannot require scopes"],
  ],
  [
    "unknown policy",
    (d) => (d.routes[0].rateLimit = ["per-user", "nope"]),
    ['routes[0].rateLimit[1]: unknown policy "nope" (rateLimits.policies: per-user, per-ip)'],
  ],
  [
    "unknown edge policy",
    (d) => (d.routes[0].edgeRateLimit = ["nope"]),
    ['routes[0].edgeRateLimit[0]: unknown edge policy "nope" (rateLimits.edge: ip-coarse)'],
  ],
  [
    "consumer-keyed policy on a public route",
    (d) => (d.routes[1].rateLimit = ["per-user"]),
    ['routes[1].rateLimit[0]: policy "per-user" is keyed by consumer, which a public route does not have'],
  ],
  [
    "burst on sliding_window",
    (d) => (d.rateLimits.policies[0].burst = 10),
    ["rateLimits.policies[0].burst: only applies to token_bucket and gcra, not sliding_window"],
  ],
  [
    "route body above the global limit",
    (d) => (d.routes[0].maxBodyBytes = 20_000_000),
    ["routes[0].maxBodyBytes: must not exceed limits.maxBodyBytes (10485760)"],
  ],
  [
    "headers timeout above request timeout",
    (d) => (d.limits = { headersTimeoutMs: 40_000 }),
    ["limits.headersTimeoutMs: must not exceed limits.requestTimeoutMs (30000)"],
  ],
  [
    "identity skew not below ttl",
    (d) => (d.identity = { ttlSeconds: 5, clockSkewSeconds: 5 }),
    ["identity.clockSkewSeconds: must be less than identity.ttlSeconds (5)"],
  ],
  [
    "JWKS refetch interval above cache time",
    (d) => Object.assign(d.jwt.issuers[0], { jwksCacheSeconds: 60, jwksMinRefetchSeconds: 120 }),
    ["jwt.issuers[0].jwksMinRefetchSeconds: must not exceed jwksCacheSeconds (60)"],
  ],
  [
    "token larger than headers",
    (d) => (d.jwt.issuers[0].maxTokenBytes = 20_000),
    ["jwt.issuers[0].maxTokenBytes: must not exceed limits.maxHeaderBytes (16384)"],
  ],
  [
    "API key query parameter on a JWT route",
    (d) => (d.routes[0].apiKeyQueryParam = "api_key"),
    ["routes[0].apiKeyQueryParam: only applies when auth is api_key or any, not jwt"],
  ],
  [
    "route under the reserved /_gateway prefix",
    (d) => (d.routes[0].path = "/_gateway/keys"),
    ["routes[0].path: /_gateway is reserved for the gateway's own endpoints"],
  ],
];

describe("semantic rules (exact messages)", () => {
  it.each(cases)("%s", (_title, mutate, expected) => {
    const doc = baseDocument();
    mutate(doc);
    expect(issuesOf(doc)).toEqual(expected);
  });

  it("runs only after the schema passes (no cascades from shape errors)", () => {
    const doc = baseDocument();
    doc.routes[0].rateLimit = ["nope"];
    doc.routes[1].upstream = 1;
    expect(issuesOf(doc)).toEqual([
      "routes[1].upstream: must be a URL or a mapping { urls: [...] } / { targets: [{ url, weight }] }",
    ]);
  });
});

describe("cross-tier rule: edge limits must not be stricter than central ones on the same key", () => {
  function withLimits(
    edge: { limit: number; windowSeconds: number; key: string[] },
    central: { limit: number; windowSeconds: number; key: string[] },
    kind: "binding" | "durable_object" = "durable_object",
  ) {
    const doc = baseDocument();
    // durable_object by default: a binding only takes windows of 10 or 60 s (tested below).
    doc.rateLimits.edge = [{ name: "edge", kind, ...edge }];
    doc.rateLimits.policies = [
      { name: "central", algorithm: "sliding_window", failMode: "open", ...central },
    ];
    doc.routes = [
      {
        name: "r",
        path: "/r",
        upstream: "http://127.0.0.1:1",
        rateLimit: ["central"],
        edgeRateLimit: ["edge"],
      },
    ];
    return doc;
  }

  it.each([
    [
      "same window, lower edge limit",
      { limit: 50, windowSeconds: 60 },
      { limit: 100, windowSeconds: 60 },
      "50 per 60s by ip",
      "100 per 60s by ip",
    ],
    [
      "lower edge rate over a shorter window",
      { limit: 1, windowSeconds: 1 },
      { limit: 100, windowSeconds: 60 },
      "1 per 1s by ip",
      "100 per 60s by ip",
    ],
    [
      "longer edge window, lower limit",
      { limit: 90, windowSeconds: 120 },
      { limit: 100, windowSeconds: 60 },
      "90 per 120s by ip",
      "100 per 60s by ip",
    ],
    [
      "longer edge window, same limit",
      { limit: 100, windowSeconds: 3600 },
      { limit: 100, windowSeconds: 60 },
      "100 per 3600s by ip",
      "100 per 60s by ip",
    ],
  ])("rejects %s", (_title, edge, central, edgeText, centralText) => {
    expect(issuesOf(withLimits({ ...edge, key: ["ip"] }, { ...central, key: ["ip"] }))).toEqual([
      `routes[0].edgeRateLimit[0]: edge policy "edge" (${edgeText}) is stricter than central policy "central" (${centralText}): the edge must allow at least what central allows`,
    ]);
  });

  it("applies to kind binding as to kind durable_object", () => {
    for (const kind of ["binding", "durable_object"] as const) {
      const doc = withLimits(
        { limit: 50, windowSeconds: 60, key: ["consumer"] },
        { limit: 100, windowSeconds: 60, key: ["consumer"] },
        kind,
      );
      expect(issuesOf(doc), kind).toEqual([
        'routes[0].edgeRateLimit[0]: edge policy "edge" (50 per 60s by consumer) is stricter than central policy "central" (100 per 60s by consumer): the edge must allow at least what central allows',
      ]);
    }
  });

  it("applies when the edge key is a subset of the central key", () => {
    const doc = withLimits(
      { limit: 10, windowSeconds: 60, key: ["ip"] },
      { limit: 20, windowSeconds: 60, key: ["ip", "route"] },
    );
    expect(issuesOf(doc)).toEqual([
      'routes[0].edgeRateLimit[0]: edge policy "edge" (10 per 60s by ip) is stricter than central policy "central" (20 per 60s by ip+route): the edge must allow at least what central allows',
    ]);
  });

  it.each([
    ["equal limits", { limit: 100, windowSeconds: 60 }, { limit: 100, windowSeconds: 60 }, ["ip"], ["ip"]],
    ["a looser edge", { limit: 1000, windowSeconds: 60 }, { limit: 100, windowSeconds: 60 }, ["ip"], ["ip"]],
    [
      "same rate over a longer edge window",
      { limit: 1000, windowSeconds: 600 },
      { limit: 100, windowSeconds: 60 },
      ["ip"],
      ["ip"],
    ],
    [
      "same rate over a shorter edge window",
      { limit: 10, windowSeconds: 6 },
      { limit: 100, windowSeconds: 60 },
      ["ip"],
      ["ip"],
    ],
    [
      "different keys",
      { limit: 1, windowSeconds: 60 },
      { limit: 100, windowSeconds: 60 },
      ["ip"],
      ["consumer"],
    ],
    [
      "an edge key finer than central",
      { limit: 1, windowSeconds: 60 },
      { limit: 100, windowSeconds: 60 },
      ["ip", "consumer"],
      ["ip"],
    ],
  ])("accepts %s", (_title, edge, central, edgeKey, centralKey) => {
    const doc = withLimits({ ...edge, key: edgeKey }, { ...central, key: centralKey });
    expect(validateConfig(doc, {}).routes[0]?.edgeRateLimit).toEqual(["edge"]);
  });

  it("only compares policies applied to the same route", () => {
    const doc = withLimits(
      { limit: 1, windowSeconds: 60, key: ["ip"] },
      { limit: 100, windowSeconds: 60, key: ["ip"] },
    );
    doc.routes = [
      { name: "a", path: "/a", upstream: "http://127.0.0.1:1", rateLimit: ["central"] },
      { name: "b", path: "/b", upstream: "http://127.0.0.1:1", edgeRateLimit: ["edge"] },
    ];
    expect(validateConfig(doc, {}).routes).toHaveLength(2);
  });
});

describe("edge policies of kind binding (wrangler ratelimits entries)", () => {
  it.each([1, 30, 120, 3600])("rejects windowSeconds %i: the binding's period is 10 or 60", (window) => {
    const doc = baseDocument();
    doc.rateLimits.edge[0].windowSeconds = window;
    expect(issuesOf(doc)).toEqual([
      "rateLimits.edge[0].windowSeconds: must be 10 or 60 for kind binding (the only periods of the Workers Rate Limiting binding); use kind durable_object for other windows",
    ]);
  });

  it("accepts 10 and 60 for a binding and any window for a durable object", () => {
    const doc = baseDocument();
    doc.rateLimits.edge = [
      { name: "ten", kind: "binding", limit: 100, windowSeconds: 10, key: ["ip"] },
      { name: "sixty", kind: "binding", limit: 1000, windowSeconds: 60, key: ["ip"] },
      { name: "hourly", kind: "durable_object", limit: 50_000, windowSeconds: 3600, key: ["consumer"] },
    ];
    expect(validateConfig(doc, {}).rateLimits.edge.map((policy) => policy.name)).toEqual([
      "ten",
      "sixty",
      "hourly",
    ]);
  });

  it("rejects two binding policies whose names map to the same binding", () => {
    const doc = baseDocument();
    doc.rateLimits.edge.push({
      name: "IP_coarse",
      kind: "binding",
      limit: 1000,
      windowSeconds: 60,
      key: ["ip"],
    });
    expect(issuesOf(doc)).toEqual([
      "rateLimits.edge[1].name: binding name RL_IP_COARSE is also that of rateLimits.edge[0]: rename one policy",
    ]);
  });
});
