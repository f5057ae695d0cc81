import { describe, expect, it } from "vitest";
import { createIdentitySigner, createIdentityVerifier, generateIdentityKeyPair } from "../src/index.ts";
import { createNodeIdentitySigner, createNodeIdentityVerifier } from "../src/node.ts";
import { createTokenCache } from "../src/token-cache.ts";
import { ALICE, decodeSegment, splitToken, T0_MS } from "./helpers.ts";

const REQUEST = { method: "GET", pathAndQuery: "/users/1" };

describe("reusable service tokens (serviceToken: reuse)", () => {
  it("carry the identity without jti, htm or htp, and verify for any request once accepted", async () => {
    const keys = await generateIdentityKeyPair("central-1");
    const signer = await createNodeIdentitySigner({
      privateJwk: keys.privateJwk,
      issuer: "central",
      ttlSeconds: 30,
      now: () => T0_MS,
    });
    const signed = await signer.signReusable({ identity: ALICE, audience: "users", clientIp: "192.0.2.1" });
    expect(signed).toMatchObject({ issuedAt: T0_MS / 1000, expiresAt: T0_MS / 1000 + 30 });
    const claims = decodeSegment(splitToken(signed.token)[1]) as Record<string, unknown>;
    expect(Object.keys(claims)).not.toContain("jti");
    expect(Object.keys(claims)).not.toContain("htm");
    expect(Object.keys(claims)).not.toContain("htp");
    const verifier = await createNodeIdentityVerifier({
      publicKeys: { keys: [keys.publicJwk] },
      audience: "users",
      acceptReusableTokens: true,
      now: () => T0_MS,
    });
    for (const request of [REQUEST, { method: "DELETE", pathAndQuery: "/users/2?x" }]) {
      const result = await verifier.verify(signed.token, request);
      expect(result).toMatchObject({
        ok: true,
        reusable: true,
        claims: { sub: ALICE.sub, cip: "192.0.2.1" },
      });
    }
  });

  it("are refused by a verifier that did not opt in, with a message that says how", async () => {
    const keys = await generateIdentityKeyPair("central-1");
    const signer = await createIdentitySigner({
      privateJwk: keys.privateJwk,
      issuer: "central",
      ttlSeconds: 30,
    });
    const { token } = await signer.signReusable({ identity: ALICE, audience: "users" });
    const strict = await createIdentityVerifier({
      publicKeys: { keys: [keys.publicJwk] },
      audience: "users",
    });
    const result = await strict.verify(token, REQUEST);
    expect(result).toMatchObject({ ok: false, reason: "binding_mismatch" });
    expect(result.ok || result.message).toMatch(/reusable service token.*acceptReusableTokens/);
  });

  it("pay one signature check per token: the cache answers repeats, still checks expiry, and is bounded", async () => {
    const keys = await generateIdentityKeyPair("central-1");
    let nowMs = T0_MS;
    const clock = () => nowMs;
    const signer = await createNodeIdentitySigner({
      privateJwk: keys.privateJwk,
      issuer: "central",
      ttlSeconds: 20,
      now: clock,
    });
    const verifier = await createNodeIdentityVerifier({
      publicKeys: { keys: [keys.publicJwk] },
      audience: "users",
      clockSkewSeconds: 5,
      acceptReusableTokens: true,
      reusableTokenCacheSize: 2,
      now: clock,
    });
    const tokenA = (await signer.signReusable({ identity: ALICE, audience: "users" })).token;
    expect((await verifier.verify(tokenA, REQUEST)).ok).toBe(true);
    // A cached token is recognised by its exact bytes: a token with a broken signature is not a hit.
    const [h, p] = splitToken(tokenA);
    expect(await verifier.verify(`${h}.${p}.${"A".repeat(86)}`, REQUEST)).toMatchObject({
      reason: "bad_signature",
    });
    // Served from the cache until exp + skew, then rejected as expired.
    nowMs = T0_MS + 24_999;
    expect((await verifier.verify(tokenA, REQUEST)).ok).toBe(true);
    nowMs = T0_MS + 25_000;
    expect(await verifier.verify(tokenA, REQUEST)).toMatchObject({ ok: false, reason: "expired" });
  });

  it("the cache evicts the least recently used token when full, and drops expired entries on read", () => {
    let now = 100;
    const cache = createTokenCache<string>(2, () => now);
    cache.set("a", "A", 200);
    cache.set("b", "B", 200);
    expect(cache.get("a")).toBe("A"); // a is now the most recent
    cache.set("c", "C", 200);
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe("A");
    expect(cache.get("c")).toBe("C");
    now = 200;
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
