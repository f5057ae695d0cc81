import { describe, expect, it } from "vitest";
import { baseDocument } from "../test/fixtures.ts";
import { compileCentral, compileEdge } from "./compile.ts";
import { validateConfig } from "./parse-config.ts";

function config() {
  const doc = baseDocument();
  doc.routes[0].edgeRateLimit = ["ip-coarse"];
  doc.routes[0].upstream = { urls: ["http://10.0.0.1:8081", "http://10.0.0.2:8081"] };
  return validateConfig(doc, {});
}

describe("compileEdge", () => {
  it("keeps what the edge needs and nothing about upstreams", () => {
    const edge = compileEdge(config());
    expect(Object.keys(edge).sort()).toEqual([
      "apiKeys",
      "identity",
      "jwt",
      "limits",
      "rateLimits",
      "routes",
    ]);
    expect(edge.apiKeys).toEqual({
      header: "x-api-key",
      cacheTtlSeconds: 30,
      negativeCacheTtlSeconds: 5,
      cacheMaxEntries: 10_000,
    });
    expect(edge.limits).toEqual({
      maxBodyBytes: 10_485_760,
      maxHeaderBytes: 16_384,
      maxHeaderCount: 100,
      maxUrlLength: 8192,
    });
    expect(edge.rateLimits).toEqual({
      edge: [{ name: "ip-coarse", kind: "binding", limit: 1000, windowSeconds: 60, key: ["ip"] }],
    });
    expect(edge.jwt.issuers.map((issuer) => issuer.name)).toEqual(["dev"]);
    expect(edge.routes[0]).toEqual({
      name: "users",
      path: "/api/users",
      methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      auth: "jwt",
      issuers: [],
      roles: [],
      scopes: [],
      maxBodyBytes: 10_485_760,
      edgeRateLimit: ["ip-coarse"],
      forwardAuthorization: false,
    });
    const json = JSON.stringify(edge);
    expect(json).not.toContain("10.0.0.1");
    expect(json).not.toContain("rewrite");
    expect(json).not.toContain("timeoutMs");
    expect(json).not.toContain("per-user");
  });

  it("includes a route's cors block with its defaults, and forwardAuthorization", () => {
    const doc = baseDocument();
    doc.routes[0].methods = ["GET", "POST"];
    doc.routes[0].cors = { origins: ["http://localhost:5173"], headers: ["Content-Type", "Authorization"] };
    doc.routes[0].forwardAuthorization = true;
    const edge = compileEdge(validateConfig(doc, {}));
    expect(edge.routes[0]?.cors).toEqual({
      origins: ["http://localhost:5173"],
      methods: ["GET", "HEAD", "POST"],
      headers: ["content-type", "authorization"],
      exposeHeaders: [],
      credentials: false,
      maxAgeSeconds: 600,
    });
    expect(edge.routes[0]?.forwardAuthorization).toBe(true);
    expect(edge.routes[1]).not.toHaveProperty("cors");
  });

  it("does not share arrays with the source config", () => {
    const source = config();
    const edge = compileEdge(source);
    edge.routes[0]?.methods.push("GET");
    edge.jwt.issuers[0]?.algorithms.push("RS256");
    expect(source.routes[0]?.methods).toHaveLength(7);
    expect(source.jwt.issuers[0]?.algorithms).toEqual(["ES256"]);
  });
});

describe("compileCentral", () => {
  it("keeps routes whole, policies and limits, but not JWT issuers or edge policies", () => {
    const source = config();
    const central = compileCentral(source);
    expect(Object.keys(central).sort()).toEqual(["identity", "limits", "rateLimits", "routes"]);
    expect(central.routes).toEqual(
      source.routes.map(({ cors: _cors, forwardAuthorization: _forward, ...route }) => route),
    );
    expect(central.limits).toEqual(source.limits);
    expect(central.rateLimits).toEqual({ policies: source.rateLimits.policies });
    expect(JSON.stringify(central)).not.toContain("jwksUrl");
  });

  it("leaves out the edge-only route options (cors, forwardAuthorization, apiKeyQueryParam)", () => {
    const doc = baseDocument();
    doc.routes[0].auth = "api_key";
    doc.routes[0].apiKeyQueryParam = "api_key";
    doc.routes[0].cors = { origins: ["https://app.example.com"] };
    doc.routes[0].forwardAuthorization = true;
    const central = compileCentral(validateConfig(doc, {}));
    expect(central.routes[0]).not.toHaveProperty("cors");
    expect(central.routes[0]).not.toHaveProperty("forwardAuthorization");
    expect(central.routes[0]).not.toHaveProperty("apiKeyQueryParam");
    expect(compileEdge(validateConfig(doc, {})).routes[0]?.apiKeyQueryParam).toBe("api_key");
  });

  it("round-trips through JSON unchanged", () => {
    const central = compileCentral(config());
    expect(JSON.parse(JSON.stringify(central))).toEqual(central);
  });
});
