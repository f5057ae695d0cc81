// The API key authenticator in workerd, against a real HTTP verification
// endpoint (the recording central of test/node, which checks the edge's
// identity token on every verification call).
import { describe, expect, inject, it } from "vitest";
import { createFixture, errorOf, recorded } from "../../test/workerd/edge-fixture.ts";
import { signToken } from "../../test/workerd/tokens.ts";
import { createVerdictCache } from "./verdict-cache.ts";

const central = () => inject("servers").centralOrigin;

function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return `gw_test_${btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

async function register(key: string, verdict: unknown): Promise<void> {
  const response = await fetch(`${central()}/__keys`, {
    method: "POST",
    body: JSON.stringify({ key, verdict }),
  });
  expect(response.status).toBe(204);
}

async function verifyCalls(key: string): Promise<number> {
  const response = await fetch(`${central()}/__verifies?key=${encodeURIComponent(key)}`);
  return ((await response.json()) as { calls: number }).calls;
}

const valid = (id: string, extra: Record<string, unknown> = {}) => ({
  valid: true,
  keyId: `key_${id}`,
  consumer: { id, roles: ["reader"], scopes: ["items:read"], tenant: "acme" },
  ...extra,
});

/** A fixture whose clock the test moves; requests log into `lines`. */
async function keyedFixture() {
  let clock = Date.now();
  const lines: string[] = [];
  const fixture = await createFixture({
    deps: { now: () => clock, log: (entry) => lines.push(JSON.stringify(entry)) },
  });
  return { ...fixture, lines, now: () => clock, advance: (ms: number) => (clock += ms) };
}

describe("API keys at the edge", () => {
  it("a valid key in X-API-Key becomes the consumer's identity; the key is not forwarded", async () => {
    const { app, lines } = await keyedFixture();
    const key = newKey();
    await register(key, valid("partner-1"));
    const seen = await recorded(await app.request("/api/keys/x", { headers: { "x-api-key": key } }));
    expect(seen.identity).toMatchObject({
      ok: true,
      claims: {
        sub: "partner-1",
        auth: "api_key",
        roles: ["reader"],
        scopes: ["items:read"],
        tenant: "acme",
      },
    });
    expect(seen.headers["x-api-key"]).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain(key);
    expect(lines.join("\n")).not.toContain(key);
    expect(lines.join("\n")).not.toContain(key.slice(8));
  });

  it("Authorization: Bearer gw_… works too and is not forwarded", async () => {
    const { app } = await keyedFixture();
    const key = newKey();
    await register(key, valid("partner-2"));
    const seen = await recorded(
      await app.request("/api/keys/x", { headers: { authorization: `Bearer ${key}` } }),
    );
    expect(seen.identity).toMatchObject({ ok: true, claims: { sub: "partner-2", auth: "api_key" } });
    expect(seen.headers.authorization).toBeUndefined();
  });

  it("a key in the route's query parameter is accepted and removed before forwarding", async () => {
    const { app } = await keyedFixture();
    const key = newKey();
    await register(key, valid("partner-3"));
    const seen = await recorded(await app.request(`/api/keys/x?a=1&api_key=${key}&b=2`));
    expect(seen.url).toBe("/api/keys/x?a=1&b=2");
    expect(seen.identity).toMatchObject({ ok: true, claims: { sub: "partner-3" } });
    const only = await recorded(
      await app.request(`/api/keys/x?api_key=${key}`, { headers: { "x-api-key": key } }),
    );
    expect(only.url).toBe("/api/keys/x");
  });

  it("the query parameter is not read where the route does not allow it", async () => {
    const { app } = await keyedFixture();
    const key = newKey();
    await register(key, valid("partner-4"));
    const response = await app.request(`/api/keys-admin/x?api_key=${key}`);
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("unauthorized");
    expect(await verifyCalls(key)).toBe(0);
  });

  it("missing, unknown, revoked and expired keys are 401s with distinct codes", async () => {
    const { app } = await keyedFixture();
    const missing = await app.request("/api/keys/x");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('ApiKey realm="gateway"');
    expect((await errorOf(missing)).code).toBe("unauthorized");

    const [unknown, revoked, expired] = [newKey(), newKey(), newKey()];
    await register(revoked, { valid: false, reason: "revoked" });
    await register(expired, { valid: false, reason: "expired" });
    for (const [key, code] of [
      [unknown, "invalid_api_key"],
      [revoked, "api_key_revoked"],
      [expired, "api_key_expired"],
    ] as const) {
      const response = await app.request("/api/keys/x", { headers: { "x-api-key": key } });
      expect(response.status).toBe(401);
      const body = await response.text();
      expect(JSON.parse(body).error.code).toBe(code);
      expect(body).not.toContain(key);
    }
  });

  it("a malformed key is refused without asking central", async () => {
    const { app } = await keyedFixture();
    const key = "gw_live_not a key";
    const response = await app.request("/api/keys/x", { headers: { "x-api-key": key } });
    expect((await errorOf(response)).code).toBe("invalid_api_key");
    expect(await verifyCalls(key)).toBe(0);
  });

  it("verdicts are cached for cacheTtlSeconds: a revocation takes effect once it has passed", async () => {
    const { app, advance, config } = await keyedFixture();
    const key = newKey();
    await register(key, valid("partner-5"));
    const call = () => app.request("/api/keys/x", { headers: { "x-api-key": key } });
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    expect(await verifyCalls(key)).toBe(1);

    await register(key, { valid: false, reason: "revoked" });
    advance(config.apiKeys.cacheTtlSeconds * 1000 - 1);
    expect((await call()).status).toBe(200);
    expect(await verifyCalls(key)).toBe(1);
    advance(1);
    const refused = await call();
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).code).toBe("api_key_revoked");
    expect(await verifyCalls(key)).toBe(2);
  });

  it("refusals are cached for negativeCacheTtlSeconds, so guessing does not reach central", async () => {
    const { app, advance, config } = await keyedFixture();
    const key = newKey();
    const call = () => app.request("/api/keys/x", { headers: { "x-api-key": key } });
    for (let i = 0; i < 5; i++) expect((await call()).status).toBe(401);
    expect(await verifyCalls(key)).toBe(1);
    advance(config.apiKeys.negativeCacheTtlSeconds * 1000);
    await call();
    expect(await verifyCalls(key)).toBe(2);
  });

  it("a key's expiry caps how long its verdict is cached", async () => {
    const { app, advance, now } = await keyedFixture();
    const key = newKey();
    await register(key, valid("partner-6", { expiresAt: now() + 2000 }));
    const call = () => app.request("/api/keys/x", { headers: { "x-api-key": key } });
    expect((await call()).status).toBe(200);
    advance(2000);
    await register(key, { valid: false, reason: "expired" });
    const refused = await call();
    expect((await errorOf(refused)).code).toBe("api_key_expired");
  });

  it("concurrent requests with one uncached key share one verification", async () => {
    const { app } = await keyedFixture();
    const key = newKey();
    await register(key, valid("partner-7"));
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => app.request("/api/keys/x", { headers: { "x-api-key": key } })),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await verifyCalls(key)).toBe(1);
  });

  it("central failing to answer is a 503 that is not cached", async () => {
    const { app } = await keyedFixture();
    const key = newKey();
    await register(key, "fail");
    const call = () => app.request("/api/keys/x", { headers: { "x-api-key": key } });
    const first = await call();
    expect(first.status).toBe(503);
    expect((await errorOf(first)).code).toBe("service_unavailable");
    await register(key, valid("partner-8"));
    expect((await call()).status).toBe(200);
    expect(await verifyCalls(key)).toBe(2);
  });

  it("route roles apply to key identities: a consumer without them gets 403", async () => {
    const { app } = await keyedFixture();
    const key = newKey();
    await register(key, valid("partner-9"));
    const response = await app.request("/api/keys-admin/x", { headers: { "x-api-key": key } });
    expect(response.status).toBe(403);
    const admin = newKey();
    await register(admin, {
      ...valid("partner-10"),
      consumer: { id: "partner-10", roles: ["admin"], scopes: [] },
    });
    expect((await app.request("/api/keys-admin/x", { headers: { "x-api-key": admin } })).status).toBe(200);
  });

  it("a key on a JWT-only route is a 403; on an any route it authenticates as api_key", async () => {
    const { app } = await keyedFixture();
    const key = newKey();
    await register(key, valid("partner-11"));
    const onJwtRoute = await app.request("/api/items/x", { headers: { "x-api-key": key } });
    expect(onJwtRoute.status).toBe(403);
    expect(await errorOf(onJwtRoute)).toMatchObject({
      code: "forbidden",
      message: "API keys are not accepted on this route",
    });
    const bearerKey = await app.request("/api/items/x", { headers: { authorization: `Bearer ${key}` } });
    expect(bearerKey.status).toBe(403);
    const onAny = await recorded(
      await app.request("/api/either/x", { headers: { authorization: `Bearer ${key}` } }),
    );
    expect(onAny.identity).toMatchObject({ ok: true, claims: { sub: "partner-11", auth: "api_key" } });
    const jwt = await recorded(
      await app.request("/api/either/x", { headers: { authorization: `Bearer ${await signToken()}` } }),
    );
    expect(jwt.identity).toMatchObject({ ok: true, claims: { auth: "jwt" } });
  });

  it("a client cannot reach the verification endpoint through the edge", async () => {
    const { app } = await keyedFixture();
    const response = await app.request("/_gateway/keys/verify", { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
    expect(response.headers.get("x-central")).toBeNull();
  });
});

describe("verdict cache", () => {
  it("keeps at most maxEntries, evicting the least recently used", () => {
    let now = 0;
    const cache = createVerdictCache(2, () => now);
    const no = { valid: false, reason: "unknown" } as const;
    cache.set("a", no, 1000);
    cache.set("b", no, 1000);
    expect(cache.get("a")).toEqual(no);
    cache.set("c", no, 1000);
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toEqual(no);
    now = 1000;
    expect(cache.get("a")).toBeUndefined();
  });
});
