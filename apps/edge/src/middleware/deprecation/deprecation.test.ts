import { describe, expect, it } from "vitest";
import { bearer, createFixture, recorded } from "../../../test/workerd/edge-fixture.ts";
import { signToken } from "../../../test/workerd/tokens.ts";

// Two versions of one API as two routes: in a real config each has its own upstream.
const VERSIONED = `
  - name: orders-v1
    path: /api/v1/orders
    methods: [GET]
    upstream: "http://127.0.0.1:9"
    deprecation: { since: "2026-01-31", sunset: "2026-07-01T00:00:00Z", link: "https://docs.example/orders/v2-migration" }
  - { name: orders-v2, path: /api/v2/orders, methods: [GET], upstream: "http://127.0.0.1:9" }
  - name: legacy
    path: /api/legacy
    auth: public
    methods: [GET]
    upstream: "http://127.0.0.1:9"
    deprecation: { since: "2025-12-01T09:30:00Z" }`;

const SINCE = `@${Date.UTC(2026, 0, 31) / 1000}`;
const SUNSET = "Wed, 01 Jul 2026 00:00:00 GMT";
const LINK = '<https://docs.example/orders/v2-migration>; rel="deprecation"';

describe("Deprecation and Sunset headers", () => {
  it("on every response of the deprecated route: proxied, central's errors, the edge's own errors", async () => {
    const { app } = await createFixture({ extraRoutes: VERSIONED });
    const token = await signToken();
    const proxied = await app.request("/api/v1/orders/7", { headers: bearer(token) });
    expect((await recorded(proxied)).url).toBe("/api/v1/orders/7");
    const centralError = await app.request("/api/v1/orders/7", {
      headers: {
        ...bearer(token),
        "x-test-central-reply": JSON.stringify({ status: 503, code: "service_unavailable" }),
      },
    });
    expect(centralError.status).toBe(503);
    const unauthenticated = await app.request("/api/v1/orders/7");
    expect(unauthenticated.status).toBe(401);
    for (const response of [proxied, centralError, unauthenticated]) {
      expect(response.headers.get("deprecation")).toBe(SINCE);
      expect(response.headers.get("sunset")).toBe(SUNSET);
      expect(response.headers.get("link")).toBe(LINK);
    }
  });

  it("only Deprecation when no sunset or link is configured", async () => {
    const { app } = await createFixture({ extraRoutes: VERSIONED });
    const response = await app.request("/api/legacy/x");
    expect(response.status).toBe(200);
    expect(response.headers.get("deprecation")).toBe(`@${Date.UTC(2025, 11, 1, 9, 30) / 1000}`);
    expect(response.headers.get("sunset")).toBeNull();
    expect(response.headers.get("link")).toBeNull();
  });

  it("absent on the next version, on other routes and on unrouted paths", async () => {
    const { app } = await createFixture({ extraRoutes: VERSIONED });
    const token = await signToken();
    const v2 = await app.request("/api/v2/orders/7", { headers: bearer(token) });
    expect((await recorded(v2)).url).toBe("/api/v2/orders/7");
    for (const response of [v2, await app.request("/api/public/x"), await app.request("/api/v3/orders")]) {
      expect(response.headers.get("deprecation")).toBeNull();
      expect(response.headers.get("sunset")).toBeNull();
      expect(response.headers.get("link")).toBeNull();
    }
  });
});
