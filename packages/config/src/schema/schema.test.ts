import { readFileSync } from "node:fs";
import {
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_CONCURRENCY,
  DEFAULT_OUTLIER_DETECTION,
  DEFAULT_RETRY,
  FOREIGN_IDENTITY_HEADERS,
  HTTP_METHODS,
} from "@gateway/types";
import { describe, expect, it } from "vitest";
import { baseDocument, issuesOf, type MutableDocument } from "../../test/fixtures.ts";
import { ConfigError } from "../config-error.ts";
import { parseConfig, validateConfig } from "../parse-config.ts";

describe("schema: happy path", () => {
  it("fills every default", () => {
    const config = validateConfig(baseDocument(), {});
    expect(config.identity).toEqual({
      ttlSeconds: 30,
      clockSkewSeconds: 5,
      replayProtection: true,
      replayFailMode: "open",
      hop: { algorithm: "HS256" },
      stripHeaders: [...FOREIGN_IDENTITY_HEADERS],
    });
    expect(config.limits).toEqual({
      maxBodyBytes: 10_485_760,
      maxHeaderBytes: 16_384,
      maxHeaderCount: 100,
      maxUrlLength: 8192,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
    });
    expect(config.jwt.issuers[0]).toEqual({
      name: "dev",
      issuer: "https://issuer.example",
      jwksUrl: "https://issuer.example/jwks.json",
      audiences: ["gateway-api"],
      algorithms: ["ES256"],
      clockSkewSeconds: 5,
      jwksCacheSeconds: 600,
      jwksMinRefetchSeconds: 30,
      rolesClaim: "roles",
      scopesClaim: "scope",
      maxTokenBytes: 8192,
    });
    expect(config.rateLimits.policies.map((p) => p.burst)).toEqual([100, 60]);
    expect(config.routes[0]).toEqual({
      name: "users",
      path: "/api/users",
      methods: [...HTTP_METHODS],
      auth: "jwt",
      issuers: [],
      roles: [],
      scopes: [],
      upstream: {
        urls: ["http://127.0.0.1:8081"],
        weights: [1],
        outlierDetection: DEFAULT_OUTLIER_DETECTION,
      },
      rewrite: "/users",
      timeoutMs: 10_000,
      timeouts: { connectMs: 5_000, firstByteMs: 10_000 },
      maxBodyBytes: 10_485_760,
      rateLimit: ["per-user"],
      edgeRateLimit: [],
      forwardAuthorization: false,
      serviceToken: "per-request",
      circuitBreaker: DEFAULT_CIRCUIT_BREAKER,
      retry: DEFAULT_RETRY,
      concurrency: DEFAULT_CONCURRENCY,
    });
    expect(config.routes[1]).not.toHaveProperty("rewrite");
    expect(config.routes[1]).not.toHaveProperty("cors");
  });

  it("a route that allows GET allows HEAD too (RFC 9110), right after GET", () => {
    const doc = baseDocument();
    doc.routes[0] = { ...doc.routes[0], methods: ["POST", "GET", "DELETE"] };
    doc.routes[1] = { ...doc.routes[1], methods: ["POST"] };
    const config = validateConfig(doc, {});
    expect(config.routes[0]?.methods).toEqual(["POST", "GET", "HEAD", "DELETE"]);
    expect(config.routes[1]?.methods).toEqual(["POST"]);
  });

  it("keeps explicit values and normalises upstream {urls}", () => {
    const doc = baseDocument();
    doc.limits = { maxBodyBytes: 2048 };
    doc.rateLimits.policies[1].burst = 5;
    doc.routes[0] = {
      ...doc.routes[0],
      methods: ["GET", "POST"],
      upstream: { urls: ["http://a:1", "https://b"] },
      maxBodyBytes: 1024,
      timeoutMs: 500,
      issuers: ["dev"],
      roles: ["admin"],
      scopes: ["users:read"],
    };
    const config = validateConfig(doc, {});
    expect(config.limits.maxBodyBytes).toBe(2048);
    expect(config.limits.maxHeaderBytes).toBe(16_384);
    expect(config.rateLimits.policies[1]?.burst).toBe(5);
    expect(config.routes[0]).toMatchObject({
      methods: ["GET", "HEAD", "POST"],
      upstream: { urls: ["http://a:1", "https://b"], weights: [1, 1] },
      maxBodyBytes: 1024,
      timeoutMs: 500,
      timeouts: { connectMs: 500, firstByteMs: 500 },
      issuers: ["dev"],
      roles: ["admin"],
      scopes: ["users:read"],
    });
    expect(config.routes[1]?.maxBodyBytes).toBe(2048);
  });

  it("accepts the repository's gateway.config.yaml", () => {
    const text = readFileSync(new URL("../../../../gateway.config.yaml", import.meta.url), "utf8");
    const config = parseConfig(text, {});
    expect(config.routes.map((r) => [r.name, r.path, r.auth, r.rewrite])).toEqual([
      ["users", "/api/users", "jwt", "/users"],
      ["public", "/api/public", "public", "/public"],
      ["catalog", "/api/catalog", "public", "/public"],
      ["partners", "/api/partners", "api_key", "/users"],
      ["admin", "/api/admin", "jwt", "/admin"],
      ["ws", "/api/ws", "jwt", "/ws"],
      ["orders", "/api/orders", "jwt", undefined],
    ]);
    expect(config.routes.find((r) => r.name === "ws")?.websocket?.enabled).toBe(true);
    expect(config.routes.find((r) => r.name === "orders")?.grpc?.address).toBe("127.0.0.1:50051");
    expect(config.routes.find((r) => r.name === "catalog")?.cache?.defaultTtlSeconds).toBe(30);
    expect(config.routes.find((r) => r.name === "partners")?.apiKeyQueryParam).toBe("api_key");
    expect(config.routes.find((r) => r.name === "admin")?.roles).toEqual(["admin"]);
    expect(config.jwt.issuers[0]?.jwksUrl).toBe("http://127.0.0.1:8790/.well-known/jwks.json");
    expect(config.routes[0]?.upstream.urls).toEqual(["http://127.0.0.1:8081"]);
  });

  it("throws ConfigError whose message is the issues joined by newlines", () => {
    const doc = baseDocument();
    doc.version = 2;
    doc.extra = true;
    let caught: unknown;
    try {
      validateConfig(doc, {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.issues).toEqual(["version: must be 1", "extra: unknown key"]);
    expect(error.message).toBe("version: must be 1\nextra: unknown key");
  });
});

describe("schema: YAML text", () => {
  it("reports syntax errors with line:col", () => {
    expect(() => parseConfig("version: 1\nroutes: [\n  - a", {})).toThrow(/^3:3: YAML syntax error: /);
  });

  it("rejects duplicate keys", () => {
    expect(() => parseConfig("version: 1\nversion: 1\nroutes: []\n", {})).toThrow(
      "2:1: YAML syntax error: Map keys must be unique",
    );
  });

  it("reports an empty document", () => {
    expect(() => parseConfig("", {})).toThrow("<root>: must be a mapping");
  });

  it("refuses alias bombs", () => {
    let text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
    for (let level = 1; level <= 8; level++) {
      text += `a${level}: &a${level} [${Array(9)
        .fill(`*a${level - 1}`)
        .join(", ")}]\n`;
    }
    expect(() => parseConfig(text, {})).toThrow(
      "YAML error: Excessive alias count indicates a resource exhaustion attack",
    );
  });

  it("reports a __proto__ key as unknown instead of adopting it as the prototype", () => {
    expect(() => parseConfig("version: 1\n__proto__: { routes: [] }\n", {})).toThrow(
      "routes: is required\n__proto__: unknown key",
    );
    expect(() => validateConfig(JSON.parse('{"version":1,"routes":[],"__proto__":{"x":1}}'), {})).toThrow(
      "__proto__: unknown key",
    );
  });

  it("does not merge << keys (YAML 1.2)", () => {
    const text =
      "version: 1\nroutes:\n  - <<: { auth: public }\n    name: a\n    path: /a\n    upstream: http://x\n";
    expect(() => parseConfig(text, {})).toThrow('routes[0]["<<"]: unknown key');
  });

  it("keeps YAML 1.2 core semantics (yes/no are strings)", () => {
    expect(() => parseConfig("version: 1\nidentity: { replayProtection: yes }\nroutes: []\n", {})).toThrow(
      "identity.replayProtection: must be true or false",
    );
  });
});

describe("schema: field rules (exact messages)", () => {
  type Mutation = (doc: MutableDocument) => void;
  const cases: Array<[string, Mutation, string[]]> = [
    ["missing version", (d) => delete d.version, ["version: is required"]],
    ["missing routes", (d) => delete d.routes, ["routes: is required"]],
    ["routes not a list", (d) => (d.routes = { a: 1 }), ["routes: must be a list"]],
    ["unknown top-level key", (d) => (d.extra = 1), ["extra: unknown key"]],
    ["unknown apiKeys key", (d) => (d.apiKeys = { ttl: 1 }), ["apiKeys.ttl: unknown key"]],
    [
      "apiKeys header not a header name",
      (d) => (d.apiKeys = { header: "x api key" }),
      ['apiKeys.header: must be an HTTP header name (letters, digits, "-")'],
    ],
    [
      "apiKeys cache TTL too long",
      (d) => (d.apiKeys = { cacheTtlSeconds: 3601 }),
      ["apiKeys.cacheTtlSeconds: must be at most 3600"],
    ],
    [
      "bad API key query parameter name",
      (d) => (d.routes[0].apiKeyQueryParam = "api key"),
      ['routes[0].apiKeyQueryParam: must be 1-64 letters, digits, "_", "." or "-"'],
    ],
    ["unknown nested keys", (d) => (d.routes[0].upstrem = "x"), ["routes[0].upstrem: unknown key"]],
    [
      "two unknown keys",
      (d) => (d.identity = { ttl: 1, skew: 2 }),
      ["identity.ttl: unknown key", "identity.skew: unknown key"],
    ],
    [
      "identity ttl 0",
      (d) => (d.identity = { ttlSeconds: 0 }),
      ["identity.ttlSeconds: must be a positive integer"],
    ],
    [
      "identity ttl too long",
      (d) => (d.identity = { ttlSeconds: 301 }),
      ["identity.ttlSeconds: must be at most 300"],
    ],
    [
      "non-integer",
      (d) => (d.limits = { maxBodyBytes: 1.5 }),
      ["limits.maxBodyBytes: must be a positive integer"],
    ],
    [
      "string number",
      (d) => (d.limits = { maxUrlLength: "8192" }),
      ["limits.maxUrlLength: must be a positive integer"],
    ],
    ["empty issuer", (d) => (d.jwt.issuers[0].issuer = ""), ["jwt.issuers[0].issuer: must not be empty"]],
    [
      "bad issuer name",
      (d) => (d.jwt.issuers[0].name = "a b"),
      ['jwt.issuers[0].name: must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit'],
    ],
    [
      "jwks over http",
      (d) => (d.jwt.issuers[0].jwksUrl = "http://issuer.example/jwks.json"),
      ["jwt.issuers[0].jwksUrl: must be an https URL (http is allowed only for loopback hosts)"],
    ],
    [
      "jwks not a URL",
      (d) => (d.jwt.issuers[0].jwksUrl = "jwks.json"),
      ["jwt.issuers[0].jwksUrl: must be an https URL (http is allowed only for loopback hosts)"],
    ],
    [
      "jwks with credentials",
      (d) => (d.jwt.issuers[0].jwksUrl = "https://u:p@issuer.example/jwks"),
      ["jwt.issuers[0].jwksUrl: must not contain credentials (secrets come from the environment)"],
    ],
    [
      "no audiences",
      (d) => (d.jwt.issuers[0].audiences = []),
      ["jwt.issuers[0].audiences: must list at least one audience"],
    ],
    [
      "no algorithms",
      (d) => (d.jwt.issuers[0].algorithms = []),
      ["jwt.issuers[0].algorithms: must list at least one algorithm (algorithms are pinned)"],
    ],
    [
      "alg none",
      (d) => (d.jwt.issuers[0].algorithms = ["none"]),
      [
        'jwt.issuers[0].algorithms[0]: must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA (got "none")',
      ],
    ],
    [
      "HS256 (symmetric) is not allowed",
      (d) => (d.jwt.issuers[0].algorithms = ["ES256", "HS256"]),
      [
        'jwt.issuers[0].algorithms[1]: must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA (got "HS256")',
      ],
    ],
    [
      "duplicate algorithm",
      (d) => (d.jwt.issuers[0].algorithms = ["ES256", "ES256"]),
      ['jwt.issuers[0].algorithms[1]: duplicate "ES256"'],
    ],
    [
      "unknown algorithm",
      (d) => (d.rateLimits.policies[0].algorithm = "leaky"),
      [
        'rateLimits.policies[0].algorithm: must be one of sliding_window, token_bucket, gcra, fixed_window (got "leaky")',
      ],
    ],
    [
      "limit 0",
      (d) => (d.rateLimits.policies[0].limit = 0),
      ["rateLimits.policies[0].limit: must be a positive integer"],
    ],
    [
      "window fractional",
      (d) => (d.rateLimits.edge[0].windowSeconds = 0.5),
      ["rateLimits.edge[0].windowSeconds: must be a positive integer"],
    ],
    [
      "empty key",
      (d) => (d.rateLimits.policies[0].key = []),
      ["rateLimits.policies[0].key: must list at least one key part"],
    ],
    [
      "edge key by route",
      (d) => (d.rateLimits.edge[0].key = ["route"]),
      ['rateLimits.edge[0].key[0]: must be one of consumer, ip (got "route")'],
    ],
    [
      "bad replayFailMode",
      (d) => (d.identity = { replayFailMode: "sometimes" }),
      ['identity.replayFailMode: must be one of open, closed (got "sometimes")'],
    ],
    [
      "missing failMode",
      (d) => delete d.rateLimits.policies[0].failMode,
      ["rateLimits.policies[0].failMode: is required"],
    ],
    [
      "bad method",
      (d) => (d.routes[0].methods = ["GET", "get"]),
      ['routes[0].methods[1]: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (got "get")'],
    ],
    ["no methods", (d) => (d.routes[0].methods = []), ["routes[0].methods: must list at least one method"]],
    [
      "duplicate method",
      (d) => (d.routes[0].methods = ["GET", "GET"]),
      ['routes[0].methods[1]: duplicate "GET"'],
    ],
    [
      "bad auth",
      (d) => (d.routes[0].auth = "none"),
      ['routes[0].auth: must be one of public, jwt, api_key, any (got "none")'],
    ],
    ["missing upstream", (d) => delete d.routes[0].upstream, ["routes[0].upstream: is required"]],
    [
      "upstream ftp",
      (d) => (d.routes[0].upstream = "ftp://files"),
      ["routes[0].upstream: must be an http(s) URL without query or fragment"],
    ],
    [
      "upstream with query",
      (d) => (d.routes[0].upstream = { urls: ["http://a:1", "http://b?x=1"] }),
      ["routes[0].upstream.urls[1]: must be an http(s) URL without query or fragment"],
    ],
    [
      "upstream with fragment",
      (d) => (d.routes[0].upstream = "http://a/#x"),
      ["routes[0].upstream: must be an http(s) URL without query or fragment"],
    ],
    [
      "upstream with credentials",
      (d) => (d.routes[0].upstream = "http://user:secret@a"),
      ["routes[0].upstream: must not contain credentials (secrets come from the environment)"],
    ],
    [
      "upstream no urls",
      (d) => (d.routes[0].upstream = { urls: [] }),
      ["routes[0].upstream.urls: must list at least one URL"],
    ],
    [
      "upstream wrong key",
      (d) => (d.routes[0].upstream = { url: "http://a" }),
      ["routes[0].upstream.url: unknown key", "routes[0].upstream: must have exactly one of urls or targets"],
    ],
    [
      "upstream number",
      (d) => (d.routes[0].upstream = 8081),
      ["routes[0].upstream: must be a URL or a mapping { urls: [...] } / { targets: [{ url, weight }] }"],
    ],
    ["path without /", (d) => (d.routes[0].path = "api/users"), ['routes[0].path: must start with "/"']],
    ["path trailing /", (d) => (d.routes[0].path = "/api/users/"), ['routes[0].path: must not end with "/"']],
    [
      "path //",
      (d) => (d.routes[0].path = "/api//users"),
      ['routes[0].path: must not contain empty segments ("//")'],
    ],
    [
      "path ..",
      (d) => (d.routes[0].path = "/api/../users"),
      ['routes[0].path: must not contain "." or ".." segments'],
    ],
    [
      "path .",
      (d) => (d.routes[0].path = "/api/./users"),
      ['routes[0].path: must not contain "." or ".." segments'],
    ],
    [
      "path %",
      (d) => (d.routes[0].path = "/api/%75sers"),
      ["routes[0].path: must not contain percent-encoding"],
    ],
    [
      "path with query",
      (d) => (d.routes[0].path = "/api/users?x"),
      ['routes[0].path: must contain only letters, digits, "/" and - . _ ~ ! $ & \' ( ) * + , ; = : @'],
    ],
    [
      "path ..;",
      (d) => (d.routes[0].path = "/api/..;/users"),
      ["routes[0].path: is not a valid path: dot segment with path parameters"],
    ],
    [
      "rewrite trailing /",
      (d) => (d.routes[0].rewrite = "/users/"),
      ['routes[0].rewrite: must not end with "/"'],
    ],
    ["timeout 0", (d) => (d.routes[0].timeoutMs = 0), ["routes[0].timeoutMs: must be a positive integer"]],
    [
      "timeout too long",
      (d) => (d.routes[0].timeoutMs = 600_001),
      ["routes[0].timeoutMs: must be at most 600000"],
    ],
    [
      "rateLimit not a list",
      (d) => (d.routes[0].rateLimit = "per-user"),
      ["routes[0].rateLimit: must be a list"],
    ],
  ];

  it.each(cases)("%s", (_title, mutate, expected) => {
    const doc = baseDocument();
    mutate(doc);
    expect(issuesOf(doc)).toEqual(expected);
  });

  it("reports every issue at once", () => {
    const doc = baseDocument();
    doc.version = 3;
    doc.routes[0].auth = "nope";
    doc.routes[1].upstream = "ftp://x";
    expect(issuesOf(doc)).toEqual([
      "version: must be 1",
      'routes[0].auth: must be one of public, jwt, api_key, any (got "nope")',
      "routes[1].upstream: must be an http(s) URL without query or fragment",
    ]);
  });

  it.each([
    "http://localhost:8790/jwks",
    "http://127.0.0.1/jwks",
    "http://127.1.2.3:1/j",
    "http://[::1]:8790/j",
    "http://dev.localhost/j",
  ])("allows http JWKS on loopback %s", (jwksUrl) => {
    const doc = baseDocument();
    doc.jwt.issuers[0].jwksUrl = jwksUrl;
    expect(validateConfig(doc, {}).jwt.issuers[0]?.jwksUrl).toBe(jwksUrl);
  });

  it.each(["http://127.0.0.1.example.com/j", "http://localhost.example/j", "http://10.0.0.1/j"])(
    "rejects http JWKS on non-loopback %s",
    (jwksUrl) => {
      const doc = baseDocument();
      doc.jwt.issuers[0].jwksUrl = jwksUrl;
      expect(issuesOf(doc)).toEqual([
        "jwt.issuers[0].jwksUrl: must be an https URL (http is allowed only for loopback hosts)",
      ]);
    },
  );
});
