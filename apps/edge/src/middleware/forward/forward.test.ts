import { describe, expect, inject, it } from "vitest";
import { bearer, createFixture, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";
import { signToken } from "../../../test/workerd/tokens.ts";

describe("forward to central", () => {
  it("sends a valid request to central with an identity token bound to method and path", async () => {
    const { app } = await createFixture();
    const token = await signToken({
      claims: { roles: ["reader"], scope: "items:read items:list", tid: "t-1" },
    });
    const response = await app.request("/api/items/42?b=2&a=1", { headers: bearer(token) });
    expect(response.status).toBe(200);
    const seen = await recorded(response);
    expect(seen.method).toBe("GET");
    expect(seen.url).toBe("/api/items/42?b=2&a=1");
    expect(seen.identity).toMatchObject({
      ok: true,
      claims: {
        sub: "user-1",
        auth: "jwt",
        roles: ["reader"],
        scopes: ["items:read", "items:list"],
        tenant: "t-1",
        iss: "edge",
        aud: "central",
        htm: "GET",
        cip: "127.0.0.1",
        xfp: "http",
        xfh: "localhost",
      },
    });
    expect(seen.headers["x-request-id"]).toBe(response.headers.get("x-request-id"));
    // The scheme and Host travel only as the signed xfp/xfh claims; central sets the headers from them.
    expect(seen.headers["x-forwarded-proto"]).toBeUndefined();
    expect(seen.headers["x-forwarded-host"]).toBeUndefined();
  });

  it("signs the scheme and Host the client used (xfp, xfh), never a client's X-Forwarded-* claims", async () => {
    const { app } = await createFixture();
    const response = await app.request("https://API.example.com:8443/api/public/where", {
      headers: {
        "x-forwarded-proto": "http",
        "x-forwarded-host": "evil.example",
        forwarded: "proto=http;host=evil.example",
      },
    });
    const seen = await recorded(response);
    expect(seen.identity).toMatchObject({
      ok: true,
      claims: { xfp: "https", xfh: "api.example.com:8443", sub: "anonymous" },
    });
    expect(seen.headers["x-forwarded-proto"]).toBeUndefined();
    expect(seen.headers["x-forwarded-host"]).toBeUndefined();
    expect(seen.headers.forwarded).toBeUndefined();
  });

  it("signs a bracketed IPv6 Host and the default port left out", async () => {
    const { app } = await createFixture();
    const seen = await recorded(await app.request("http://[2001:db8::7]:80/api/public/v6"));
    expect(seen.identity).toMatchObject({ ok: true, claims: { xfp: "http", xfh: "[2001:db8::7]" } });
  });

  it("forwards the normalised path and the raw query, and binds the identity to them", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/items//a/%7euser?q=a%20b&x=%2F&x=2", {
      headers: bearer(await signToken()),
    });
    const seen = await recorded(response);
    expect(seen.url).toBe("/api/items/a/~user?q=a%20b&x=%2F&x=2");
    expect(seen.identity.ok).toBe(true);
  });

  it("streams a POST body through and binds the identity to POST", async () => {
    const { app } = await createFixture();
    const payload = JSON.stringify({ name: "widget", size: "x".repeat(5000) });
    const response = await app.request("/api/items", {
      method: "POST",
      headers: { ...bearer(await signToken()), "content-type": "application/json" },
      body: payload,
    });
    const seen = await recorded(response);
    expect(seen.method).toBe("POST");
    expect(seen.body).toBe(payload);
    expect(seen.headers["content-type"]).toBe("application/json");
    expect(seen.identity).toMatchObject({ ok: true, claims: { htm: "POST" } });
  });

  it("forwards HEAD as HEAD", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/items/1", {
      method: "HEAD",
      headers: bearer(await signToken()),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-central-method")).toBe("HEAD");
    expect(await response.text()).toBe("");
  });

  it("uses CF-Connecting-IP as the signed client IP", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/public/ip", { headers: { "cf-connecting-ip": "203.0.113.9" } });
    const seen = await recorded(response);
    expect(seen.identity).toMatchObject({ ok: true, claims: { cip: "203.0.113.9", sub: "anonymous" } });
  });

  it("removes hop-by-hop headers, including those named in Connection, in both directions", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/public/hop", {
      headers: { connection: "x-hop-secret", "x-hop-secret": "1", "keep-alive": "timeout=5", te: "trailers" },
    });
    const seen = await recorded(response);
    expect(seen.headers["x-hop-secret"]).toBeUndefined();
    expect(seen.headers["keep-alive"]).toBeUndefined();
    expect(seen.headers.te).toBeUndefined();
    expect(response.headers.get("keep-alive")).toBeNull();
    expect(response.headers.get("connection")).toBeNull();
  });

  it("passes central's redirects to the client instead of following them", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/public/redirect");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://elsewhere.example/");
  });

  it("answers 502 upstream_error JSON when central is unreachable", async () => {
    const { app } = await createFixture({ centralOrigin: inject("servers").deadOrigin });
    const response = await app.request("/api/public/x", { headers: { "x-request-id": "down-1" } });
    expect(response.status).toBe(502);
    expect(await errorOf(response)).toEqual({
      code: "upstream_error",
      message: "the gateway could not reach the upstream tier",
      requestId: "down-1",
    });
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });
});
