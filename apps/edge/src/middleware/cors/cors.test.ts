import { describe, expect, it } from "vitest";
import { bearer, createFixture, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";
import { centralCompleted } from "../../../test/workerd/recording-central.ts";
import { signToken } from "../../../test/workerd/tokens.ts";
import { appendVary, preflightProblem, requestedHeaders } from "./cors-policy.ts";

const APP = "https://app.example";

function preflight(origin: string, method: string, headers?: string, requestId = crypto.randomUUID()) {
  return {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": method,
      "x-request-id": requestId,
      ...(headers === undefined ? {} : { "access-control-request-headers": headers }),
    },
  };
}

function corsHeadersOf(response: Response): string[] {
  return [...response.headers.keys()].filter((name) => name.startsWith("access-control-"));
}

describe("CORS preflight at the edge", () => {
  it("answers an allowed preflight with 204 and the route's policy, without credentials or central", async () => {
    const { app } = await createFixture();
    const response = await app.request(
      "/api/web/items",
      preflight(APP, "POST", "Content-Type, authorization", "pf-ok"),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, POST");
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type, authorization");
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-max-age")).toBe("300");
    expect(response.headers.get("vary")).toBe(
      "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    );
    expect(await response.text()).toBe("");
    expect(await centralCompleted("pf-ok")).toBe(false);
  });

  it("answers even though OPTIONS is not one of the route's methods", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/web", preflight("http://localhost:5173", "GET"));
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
  });

  const refused: Array<[string, ReturnType<typeof preflight>, string]> = [
    ["an unlisted origin", preflight("https://evil.example", "GET"), "origin not allowed"],
    ["an origin that only looks alike", preflight("https://app.example.evil", "GET"), "origin not allowed"],
    ["the null origin", preflight("null", "GET"), "origin not allowed"],
    ["a method outside cors.methods", preflight(APP, "PUT"), "method PUT not allowed"],
    [
      "an unlisted request header",
      preflight(APP, "POST", "content-type, x-debug"),
      "request header x-debug not allowed",
    ],
  ];
  for (const [label, init, reason] of refused) {
    it(`403 forbidden without CORS headers for ${label}`, async () => {
      const { app } = await createFixture();
      const response = await app.request("/api/web", init);
      expect(response.status).toBe(403);
      expect(corsHeadersOf(response)).toEqual([]);
      expect(await errorOf(response)).toMatchObject({
        code: "forbidden",
        message: `CORS preflight refused: ${reason}`,
      });
      expect(await centralCompleted(init.headers["x-request-id"])).toBe(false);
    });
  }

  it('a "*" route echoes the origin and never allows credentials', async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/open/x", preflight("https://anyone.example", "GET"));
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://anyone.example");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("access-control-max-age")).toBe("600");
  });

  it("routes without cors: a preflight gets no CORS headers (405 here) and is not answered as one", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/items", preflight(APP, "GET"));
    expect(response.status).toBe(405);
    expect(corsHeadersOf(response)).toEqual([]);
  });
});

describe("CORS on actual responses", () => {
  it("echoes an allowed origin with credentials, exposed headers and Vary: Origin", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/web/1", {
      headers: { origin: APP, ...bearer(await signToken()) },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-expose-headers")).toBe("x-request-id");
    expect(response.headers.get("vary")).toBe("Origin");
    // The Origin header itself still reaches central (services may log it).
    expect((await recorded(response)).headers.origin).toBe(APP);
  });

  it("adds CORS headers to gateway errors too, so the browser can read them", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/web/1", { headers: { origin: APP } });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
  });

  it("gives a disallowed origin no CORS headers but still Vary: Origin", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/web/1", {
      headers: { origin: "https://evil.example", ...bearer(await signToken()) },
    });
    expect(response.status).toBe(200);
    expect(corsHeadersOf(response)).toEqual([]);
    expect(response.headers.get("vary")).toBe("Origin");
  });

  it("replaces central's own CORS headers: on a route without cors none reach the client", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/public/noisy", { headers: { origin: APP } });
    expect(response.headers.get("x-central")).toBe("yes");
    expect(corsHeadersOf(response)).toEqual([]);
  });

  it("an OPTIONS request without Access-Control-Request-Method is not a preflight", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/web", { method: "OPTIONS", headers: { origin: APP } });
    expect(response.status).toBe(405);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
  });
});

describe("cors-policy helpers", () => {
  const policy = {
    origins: [APP],
    methods: ["GET" as const],
    headers: ["content-type"],
    exposeHeaders: [],
    credentials: false,
    maxAgeSeconds: 600,
  };

  it("parses Access-Control-Request-Headers case-insensitively and tolerates blanks", () => {
    expect(requestedHeaders(" Content-Type ,, X-A")).toEqual(["content-type", "x-a"]);
    expect(requestedHeaders(null)).toEqual([]);
  });

  it("compares origins exactly and keeps echoed text printable", () => {
    expect(preflightProblem(policy, "HTTPS://APP.EXAMPLE", "GET", [])).toBe("origin not allowed");
    expect(preflightProblem(policy, APP, "GET", ["content-type"])).toBeUndefined();
    expect(preflightProblem(policy, APP, "GET", ["x\u0000y"])).toBe("request header x?y not allowed");
  });

  it("appendVary adds a name once and leaves Vary: * alone", () => {
    const headers = new Headers({ vary: "Accept-Encoding" });
    appendVary(headers, "Origin");
    appendVary(headers, "origin");
    expect(headers.get("vary")).toBe("Accept-Encoding, Origin");
    const star = new Headers({ vary: "*" });
    appendVary(star, "Origin");
    expect(star.get("vary")).toBe("*");
  });
});
