import { describe, expect, it } from "vitest";
import { bearer, createFixture, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";
import { signToken } from "../../../test/workerd/tokens.ts";
import { rawRequestTarget } from "./request-target.ts";

describe("route resolution", () => {
  it("404 not_found JSON for a path no route covers, also next to a route prefix", async () => {
    const { app } = await createFixture();
    for (const path of ["/nowhere", "/api/itemsX"]) {
      const response = await app.request(path);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect((await errorOf(response)).code).toBe("not_found");
    }
  });

  it("405 with Allow for a method the route does not accept (a GET route allows HEAD too)", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/admin", { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect((await errorOf(response)).code).toBe("method_not_allowed");
  });

  it("HEAD on a route configured with GET only goes to central as HEAD, after the same auth", async () => {
    const { app } = await createFixture();
    expect((await app.request("/api/admin", { method: "HEAD" })).status).toBe(401);
    const token = await signToken({ claims: { roles: ["admin"] } });
    const response = await app.request("/api/admin", { method: "HEAD", headers: bearer(token) });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-central-method")).toBe("HEAD");
    expect(await response.text()).toBe("");
  });

  it("400 invalid_path for encoded traversal and null bytes, before auth", async () => {
    const { app } = await createFixture();
    for (const path of [
      "/api/public/..%2fadmin",
      "/api/public/%00",
      "/api/public/%2e%2e%5cadmin",
      "/api/items/%zz",
    ]) {
      const response = await app.request(path);
      expect(response.status, path).toBe(400);
      expect((await errorOf(response)).code).toBe("invalid_path");
    }
  });

  it("routes dot segments by where they really lead", async () => {
    const { app } = await createFixture();
    // "/api/public/%2e%2e/admin" is "/api/admin": it needs the admin role, not the public route.
    const response = await app.request("/api/public/%2e%2e/admin");
    expect(response.status).toBe(401);
    const token = await signToken({ claims: { roles: ["admin"] } });
    const seen = await recorded(await app.request("/api/public/%2e%2e/admin", { headers: bearer(token) }));
    expect(seen.url).toBe("/api/admin");
  });

  it("414 uri_too_long past limits.maxUrlLength", async () => {
    const { app } = await createFixture();
    const response = await app.request(`/api/public/${"a".repeat(600)}`);
    expect(response.status).toBe(414);
    expect((await errorOf(response)).code).toBe("uri_too_long");
  });
});

describe("rawRequestTarget", () => {
  it("splits path and query from the URL text without resolving anything", () => {
    expect(rawRequestTarget("https://h.example/a/../b%2F?x=1&y#frag")).toEqual({
      path: "/a/../b%2F",
      query: "x=1&y",
    });
    expect(rawRequestTarget("https://h.example")).toEqual({ path: "/", query: undefined });
    expect(rawRequestTarget("https://h.example?q")).toEqual({ path: "/", query: "q" });
    expect(rawRequestTarget("https://h.example:8443/p?")).toEqual({ path: "/p", query: "" });
  });
});
