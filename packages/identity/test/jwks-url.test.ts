import { createServer, type Server } from "node:http";
import { listen } from "@gateway/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createIdentityVerifier, generateIdentityKeyPair, type IdentityPublicJwk } from "../src/index.ts";
import { createNodeIdentitySigner, createNodeIdentityVerifier } from "../src/node.ts";
import { ALICE } from "./helpers.ts";

const REQUEST = { method: "GET", pathAndQuery: "/users/me" };

/** A real HTTP JWKS endpoint whose key set the test changes, counting fetches. */
async function jwksServer(initial: IdentityPublicJwk[]) {
  let keys = initial;
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys }));
  });
  const { url } = await listen(server);
  return {
    url: `${url}/.well-known/gateway-jwks.json`,
    server,
    publish(next: IdentityPublicJwk[]) {
      keys = next;
    },
    fetches: () => fetches,
  };
}

let open: Server[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => new Promise((done) => s.close(done))));
  open = [];
});

for (const [name, create] of [
  ["WebCrypto", createIdentityVerifier],
  ["node:crypto", createNodeIdentityVerifier],
] as const) {
  describe(`verifier with jwksUrl (${name})`, () => {
    it("picks up a rotated key on first sight, at most one refetch per interval", async () => {
      const [oldKey, newKey, rogue] = await Promise.all([
        generateIdentityKeyPair("central-1"),
        generateIdentityKeyPair("central-2"),
        generateIdentityKeyPair("rogue"),
      ]);
      const jwks = await jwksServer([oldKey.publicJwk]);
      open.push(jwks.server);
      let nowMs = Date.UTC(2026, 0, 1);
      const clock = () => nowMs;
      const verifier = await create({
        jwksUrl: jwks.url,
        audience: "users",
        jwksMinRefetchSeconds: 30,
        now: clock,
      });
      expect(jwks.fetches()).toBe(1);
      const sign = async (key: typeof oldKey) =>
        (
          await createNodeIdentitySigner({
            privateJwk: key.privateJwk,
            issuer: "central",
            ttlSeconds: 30,
            now: clock,
          })
        ).sign({ identity: ALICE, audience: "users", ...REQUEST });

      expect((await verifier.verify(await sign(oldKey), REQUEST)).ok).toBe(true);
      expect(jwks.fetches()).toBe(1);

      // Central rotates: it publishes both keys, then signs with the new one.
      nowMs += 31_000;
      jwks.publish([oldKey.publicJwk, newKey.publicJwk]);
      const results = await Promise.all(
        [sign(newKey), sign(newKey), sign(newKey)].map(async (t) => verifier.verify(await t, REQUEST)),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(jwks.fetches()).toBe(2);

      // An unknown kid within the interval does not refetch.
      const rogueResult = await verifier.verify(await sign(rogue), REQUEST);
      expect(rogueResult).toMatchObject({ ok: false, reason: "unknown_kid" });
      expect(jwks.fetches()).toBe(2);
      nowMs += 31_000;
      expect(await verifier.verify(await sign(rogue), REQUEST)).toMatchObject({ reason: "unknown_kid" });
      expect(jwks.fetches()).toBe(3);
    });

    it("says why when the JWKS cannot be loaded, and recovers once it can", async () => {
      const key = await generateIdentityKeyPair("central-1");
      let up = false;
      let nowMs = Date.UTC(2026, 0, 1);
      const verifier = await create({
        jwksUrl: "http://central.invalid/.well-known/gateway-jwks.json",
        fetch: async () =>
          up ? Response.json({ keys: [key.publicJwk] }) : new Response("no", { status: 503 }),
        audience: "users",
        now: () => nowMs,
      });
      const token = await (
        await createNodeIdentitySigner({
          privateJwk: key.privateJwk,
          issuer: "central",
          ttlSeconds: 30,
          now: () => nowMs,
        })
      ).sign({ identity: ALICE, audience: "users", ...REQUEST });
      const down = await verifier.verify(token, REQUEST);
      expect(down).toMatchObject({ ok: false, reason: "unknown_kid" });
      expect(down.ok || down.message).toMatch(/could not be loaded: HTTP 503/);
      up = true;
      nowMs += 1500; // before any key was loaded, a retry is allowed every second
      expect((await verifier.verify(token, REQUEST)).ok).toBe(true);
    });

    it("refuses a JWKS document with a private or non-Ed25519 key and keeps the keys it had", async () => {
      const key = await generateIdentityKeyPair("central-1");
      const other = await generateIdentityKeyPair("central-2");
      let document: unknown = { keys: [key.publicJwk] };
      let nowMs = Date.UTC(2026, 0, 1);
      const verifier = await create({
        jwksUrl: "http://central.invalid/jwks",
        fetch: async () => Response.json(document),
        audience: "users",
        now: () => nowMs,
      });
      document = { keys: [other.privateJwk] };
      nowMs += 60_000;
      const signer = await createNodeIdentitySigner({
        privateJwk: other.privateJwk,
        issuer: "central",
        ttlSeconds: 30,
        now: () => nowMs,
      });
      const result = await verifier.verify(
        await signer.sign({ identity: ALICE, audience: "users", ...REQUEST }),
        REQUEST,
      );
      expect(result.ok || result.message).toMatch(/private key/);
      const old = await createNodeIdentitySigner({
        privateJwk: key.privateJwk,
        issuer: "central",
        ttlSeconds: 30,
        now: () => nowMs,
      });
      expect(
        (await verifier.verify(await old.sign({ identity: ALICE, audience: "users", ...REQUEST }), REQUEST))
          .ok,
      ).toBe(true);
    });
  });
}

describe("verifier key options", () => {
  it("needs exactly one of publicKeys and jwksUrl", async () => {
    const key = await generateIdentityKeyPair("k");
    await expect(createIdentityVerifier({ audience: "users" })).rejects.toThrow(/exactly one of publicKeys/);
    await expect(
      createIdentityVerifier({
        audience: "users",
        publicKeys: { keys: [key.publicJwk] },
        jwksUrl: "http://x/",
      }),
    ).rejects.toThrow(/exactly one of publicKeys/);
    await expect(createIdentityVerifier({ audience: "users", jwksUrl: "ftp://x/" })).rejects.toThrow(
      /http: or https:/,
    );
  });

  it("names the route-name rule when the audience does not match", async () => {
    const key = await generateIdentityKeyPair("k");
    const signer = await createNodeIdentitySigner({
      privateJwk: key.privateJwk,
      issuer: "central",
      ttlSeconds: 30,
    });
    const verifier = await createIdentityVerifier({
      audience: ["users", "users-admin"],
      publicKeys: { keys: [key.publicJwk] },
    });
    const result = await verifier.verify(
      await signer.sign({ identity: ALICE, audience: "orders", ...REQUEST }),
      REQUEST,
    );
    expect(result).toMatchObject({ ok: false, reason: "wrong_audience" });
    expect(result.ok || result.message).toBe(
      'token audience "orders" is not "users" or "users-admin": a service\'s verifier audience must be the route name central forwards it under',
    );
    const admin = await signer.sign({ identity: ALICE, audience: "users-admin", ...REQUEST });
    expect((await verifier.verify(admin, REQUEST)).ok).toBe(true);
  });
});
