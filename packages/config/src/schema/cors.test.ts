import { describe, expect, it } from "vitest";
import { baseDocument, issuesOf, type MutableDocument } from "../../test/fixtures.ts";
import { validateConfig } from "../parse-config.ts";
import { corsOriginProblem } from "./cors-schema.ts";

function withCors(cors: unknown, route: Partial<MutableDocument> = {}): MutableDocument {
  const doc = baseDocument();
  doc.routes[0] = { ...doc.routes[0], methods: ["GET", "POST"], ...route, cors };
  return doc;
}

describe("routes[].cors", () => {
  it("fills defaults: the route's methods, no headers, no credentials, 600 s max age", () => {
    const config = validateConfig(withCors({ origins: ["http://localhost:5173"] }), {});
    expect(config.routes[0]?.cors).toEqual({
      origins: ["http://localhost:5173"],
      methods: ["GET", "HEAD", "POST"],
      headers: [],
      exposeHeaders: [],
      credentials: false,
      maxAgeSeconds: 600,
    });
  });

  it("keeps explicit values and lower-cases header names", () => {
    const cors = {
      origins: ["https://app.example.com", "https://admin.example.com:8443"],
      methods: ["GET"],
      headers: ["Content-Type", "X-Requested-With"],
      exposeHeaders: ["X-Request-Id", "RateLimit"],
      credentials: true,
      maxAgeSeconds: 0,
    };
    expect(validateConfig(withCors(cors), {}).routes[0]?.cors).toEqual({
      ...cors,
      headers: ["content-type", "x-requested-with"],
      exposeHeaders: ["x-request-id", "ratelimit"],
    });
  });

  const invalid: Array<[string, unknown, string[]]> = [
    [
      "wildcard with credentials",
      { origins: ["*"], credentials: true },
      [
        'routes[0].cors.origins[0]: "*" cannot be combined with credentials: true (browsers refuse it; list the exact origins)',
      ],
    ],
    [
      "wildcard next to an origin",
      { origins: ["https://a.example", "*"] },
      ['routes[0].cors.origins[1]: "*" must be the only origin when it is used'],
    ],
    [
      "origin with a path",
      { origins: ["https://a.example/"] },
      [
        'routes[0].cors.origins[0]: must be written exactly as browsers send it: "https://a.example" (lower case, no path, no default port, no trailing slash)',
      ],
    ],
    [
      "origin not a URL",
      { origins: ["a.example", "null"] },
      [
        'routes[0].cors.origins[0]: must be "*" or an exact origin like https://app.example.com (scheme://host[:port])',
        'routes[0].cors.origins[1]: must be "*" or an exact origin like https://app.example.com (scheme://host[:port])',
      ],
    ],
    ["no origins", { origins: [] }, ['routes[0].cors.origins: must list at least one origin (or "*")']],
    [
      "method the route does not have",
      { origins: ["*"], methods: ["GET", "DELETE"] },
      ["routes[0].cors.methods[1]: DELETE is not one of the route's methods (GET, HEAD, POST)"],
    ],
    [
      "header that the gateway strips",
      { origins: ["*"], headers: ["X-User-Id", "content-type"], exposeHeaders: ["Connection"] },
      [
        'routes[0].cors.headers[0]: "x-user-id" is removed by the gateway, so listing it has no effect',
        'routes[0].cors.exposeHeaders[0]: "connection" is removed by the gateway, so listing it has no effect',
      ],
    ],
    [
      "invalid header name and wildcard header",
      { origins: ["*"], headers: ["bad header", "*"] },
      [
        "routes[0].cors.headers[0]: must be an HTTP header name",
        'routes[0].cors.headers[1]: "*" is not supported: list the header names',
      ],
    ],
    [
      "duplicate header in another case",
      { origins: ["*"], headers: ["Accept", "accept"] },
      ['routes[0].cors.headers[1]: duplicate "accept"'],
    ],
    ["unknown key", { origins: ["*"], allowOrigin: "*" }, ["routes[0].cors.allowOrigin: unknown key"]],
    [
      "negative max age",
      { origins: ["*"], maxAgeSeconds: -1 },
      ["routes[0].cors.maxAgeSeconds: must be a non-negative integer"],
    ],
  ];
  for (const [label, cors, expected] of invalid) {
    it(`rejects ${label}`, () => {
      expect(issuesOf(withCors(cors))).toEqual(expected);
    });
  }

  it("corsOriginProblem accepts exact origins with ports and rejects other schemes", () => {
    expect(corsOriginProblem("http://localhost:5173")).toBeUndefined();
    expect(corsOriginProblem("*")).toBeUndefined();
    expect(corsOriginProblem("https://A.example")).toMatch(/https:\/\/a\.example/);
    expect(corsOriginProblem("https://a.example:443")).toMatch(/"https:\/\/a\.example"/);
    expect(corsOriginProblem("ftp://a.example")).toMatch(/must be "\*"/);
  });
});

describe("routes[].forwardAuthorization", () => {
  it("defaults to false and accepts true", () => {
    expect(validateConfig(baseDocument(), {}).routes[0]?.forwardAuthorization).toBe(false);
    const doc = baseDocument();
    doc.routes[0].forwardAuthorization = true;
    expect(validateConfig(doc, {}).routes[0]?.forwardAuthorization).toBe(true);
  });

  it("must be a boolean", () => {
    const doc = baseDocument();
    doc.routes[0].forwardAuthorization = "yes";
    expect(issuesOf(doc)).toEqual(["routes[0].forwardAuthorization: must be true or false"]);
  });
});
