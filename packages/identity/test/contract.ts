/**
 * Sign/verify behaviour every runtime must share. Registered by test/contract.test.ts (Node)
 * and test/workerd/contract.test.ts (workerd), so both runtimes run the same cases.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { decodeBase64Url, encodeBase64Url } from "../src/base64url.ts";
import {
  bindingHash,
  createIdentitySigner,
  createIdentityVerifier,
  createMemoryReplayStore,
  generateIdentityKeyPair,
  type IdentityKeyPair,
  type IdentitySigner,
  type IdentitySignerOptions,
  type IdentityVerifier,
  type IdentityVerifierOptions,
  type SignInput,
} from "../src/index.ts";
import {
  ALICE,
  craftToken,
  decodeSegment,
  fixedClock,
  splitToken,
  T0_MS,
  verifierOptionsFor,
} from "./helpers.ts";

/** A signer and a verifier factory; the contract runs against any pairing of implementations. */
export interface IdentityImplementation {
  name: string;
  createSigner(opts: IdentitySignerOptions): Promise<IdentitySigner>;
  createVerifier(opts: IdentityVerifierOptions): Promise<IdentityVerifier>;
}

export const WEBCRYPTO: IdentityImplementation = {
  name: "WebCrypto",
  createSigner: createIdentitySigner,
  createVerifier: createIdentityVerifier,
};

const GET_USERS: SignInput = {
  identity: ALICE,
  audience: "central",
  method: "get",
  pathAndQuery: "/v1/users?limit=10&cursor=abc",
  clientIp: "203.0.113.7",
};
const GET_USERS_REQUEST = { method: "GET", pathAndQuery: GET_USERS.pathAndQuery };

export function identityContract(impl: IdentityImplementation = WEBCRYPTO): void {
  describe(`identity contract (${impl.name})`, () => registerContract(impl));
}

function registerContract(impl: IdentityImplementation): void {
  const verifierFor = (keys: IdentityKeyPair[], overrides: Partial<IdentityVerifierOptions> = {}) =>
    impl.createVerifier(verifierOptionsFor(keys, overrides));
  let keyA: IdentityKeyPair;
  let keyB: IdentityKeyPair;
  let keyC: IdentityKeyPair;
  let signerA: IdentitySigner;

  beforeAll(async () => {
    [keyA, keyB, keyC] = await Promise.all([
      generateIdentityKeyPair("key-a"),
      generateIdentityKeyPair("key-b"),
      generateIdentityKeyPair("key-c"),
    ]);
    signerA = await impl.createSigner({
      privateJwk: keyA.privateJwk,
      issuer: "edge",
      ttlSeconds: 60,
      now: fixedClock(T0_MS),
    });
  });

  async function signWith(key: IdentityKeyPair, at = T0_MS, ttlSeconds = 60, issuer = "edge") {
    return impl.createSigner({ privateJwk: key.privateJwk, issuer, ttlSeconds, now: fixedClock(at) });
  }

  describe("key generation", () => {
    it("produces an extractable Ed25519 pair with the given or a random kid", async () => {
      expect(keyA.publicJwk).toMatchObject({
        kty: "OKP",
        crv: "Ed25519",
        kid: "key-a",
        alg: "EdDSA",
        use: "sig",
      });
      expect(keyA.publicJwk.d).toBeUndefined();
      expect(keyA.privateJwk).toMatchObject({
        kty: "OKP",
        crv: "Ed25519",
        kid: "key-a",
        x: keyA.publicJwk.x,
      });
      expect(keyA.privateJwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const random = await generateIdentityKeyPair();
      expect(random.privateJwk.kid).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(random.publicJwk.kid).toBe(random.privateJwk.kid);
    });
  });

  describe("sign and verify", () => {
    it("round-trips the identity, the binding and the client ip", async () => {
      const token = await signerA.sign(GET_USERS);
      const verifier = await verifierFor([keyA]);
      const result = await verifier.verify(token, GET_USERS_REQUEST);
      if (!result.ok) throw new Error(`expected ok, got ${result.reason}: ${result.message}`);
      expect(result.claims).toEqual({
        ...ALICE,
        iss: "edge",
        aud: "central",
        iat: T0_MS / 1000,
        exp: T0_MS / 1000 + 60,
        jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        htm: "GET",
        htp: await bindingHash(GET_USERS.pathAndQuery),
        cip: "203.0.113.7",
      });
    });

    it("emits the documented header and omits absent optional claims", async () => {
      const token = await signerA.sign({
        ...GET_USERS,
        identity: { ...ALICE, tenant: undefined },
        clientIp: undefined,
      });
      const [header, payload] = splitToken(token);
      expect(decodeSegment(header)).toEqual({ alg: "EdDSA", typ: "gateway-identity+jwt", kid: "key-a" });
      const claims = decodeSegment(payload) as Record<string, unknown>;
      expect(Object.hasOwn(claims, "tenant")).toBe(false);
      expect(Object.hasOwn(claims, "cip")).toBe(false);
      expect(signerA.kid).toBe("key-a");
    });

    it("round-trips the forwarded scheme and host (xfp, xfh)", async () => {
      const verifier = await verifierFor([keyA]);
      for (const [forwardedProto, forwardedHost] of [
        ["https", "api.example.com"],
        ["http", "api.example.com:8443"],
        ["https", "[2001:db8::1]:443"],
        ["https", `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(59)}:443`],
      ] as const) {
        const token = await signerA.sign({ ...GET_USERS, forwardedProto, forwardedHost });
        const claims = decodeSegment(splitToken(token)[1]) as Record<string, unknown>;
        expect(Object.keys(claims).slice(-3)).toEqual(["cip", "xfp", "xfh"]);
        const result = await verifier.verify(token, GET_USERS_REQUEST);
        if (!result.ok) throw new Error(`expected ok, got ${result.reason}: ${result.message}`);
        expect(result.claims).toMatchObject({ cip: "203.0.113.7", xfp: forwardedProto, xfh: forwardedHost });
      }
    });

    it("round-trips the client's country and continent, and refuses to sign malformed ones", async () => {
      const verifier = await verifierFor([keyA]);
      const token = await signerA.sign({ ...GET_USERS, country: "DE", continent: "EU" });
      const claims = decodeSegment(splitToken(token)[1]) as Record<string, unknown>;
      expect(Object.keys(claims).slice(-2)).toEqual(["country", "continent"]);
      const result = await verifier.verify(token, GET_USERS_REQUEST);
      if (!result.ok) throw new Error(`expected ok, got ${result.reason}: ${result.message}`);
      expect(result.claims).toMatchObject({ country: "DE", continent: "EU" });
      const plain = decodeSegment(splitToken(await signerA.sign(GET_USERS))[1]) as Record<string, unknown>;
      expect(Object.hasOwn(plain, "country")).toBe(false);
      expect(Object.hasOwn(plain, "continent")).toBe(false);
      for (const bad of [{ country: "de" }, { country: "DEU" }, { country: "D\r" }, { continent: "XX" }]) {
        await expect(signerA.sign({ ...GET_USERS, ...bad })).rejects.toThrow(/country|continent/);
      }
    });

    it("verifies a token without xfp/xfh, and omits them from the payload", async () => {
      const token = await signerA.sign(GET_USERS);
      const claims = decodeSegment(splitToken(token)[1]) as Record<string, unknown>;
      expect(Object.hasOwn(claims, "xfp")).toBe(false);
      expect(Object.hasOwn(claims, "xfh")).toBe(false);
      const result = await (await verifierFor([keyA])).verify(token, GET_USERS_REQUEST);
      if (!result.ok) throw new Error(`expected ok, got ${result.reason}: ${result.message}`);
      expect(result.claims.xfp).toBeUndefined();
      expect(result.claims.xfh).toBeUndefined();
    });

    it("refuses to sign a forwarded scheme or host that verifiers would reject", async () => {
      const bad: Array<Partial<SignInput>> = [
        { forwardedProto: "javascript" as "https" },
        { forwardedProto: "HTTPS" as "https" },
        { forwardedHost: "" },
        { forwardedHost: "evil.example/admin" },
        { forwardedHost: "user@evil.example" },
        { forwardedHost: "evil.example\r\nx-admin: 1" },
        { forwardedHost: "a b" },
        { forwardedHost: "host:port" },
        { forwardedHost: "host:123456" },
        { forwardedHost: `${"a".repeat(256)}` },
      ];
      for (const overrides of bad) {
        await expect(signerA.sign({ ...GET_USERS, ...overrides }), JSON.stringify(overrides)).rejects.toThrow(
          /forwarded(Proto|Host)/,
        );
      }
    });

    it("gives every token a distinct jti", async () => {
      const tokens = await Promise.all(Array.from({ length: 20 }, () => signerA.sign(GET_USERS)));
      const jtis = tokens.map((token) => (decodeSegment(splitToken(token)[1]) as { jti: string }).jti);
      expect(new Set(jtis).size).toBe(20);
    });

    it("computes htp as base64url(SHA-256(pathAndQuery)), identical to WebCrypto's digest", async () => {
      for (const target of ["/", "/v1/users?limit=10", "/caf%C3%A9?q=ü", "/x".repeat(100)]) {
        const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(target));
        expect(await bindingHash(target)).toBe(encodeBase64Url(new Uint8Array(digest)));
      }
      expect(await bindingHash("")).toBe("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    });
  });

  describe("key rotation", () => {
    it("accepts tokens from every kid in the key set and rejects a key outside it", async () => {
      const verifier = await verifierFor([keyA, keyB]);
      const fromA = await signerA.sign(GET_USERS);
      const fromB = await (await signWith(keyB)).sign(GET_USERS);
      const fromC = await (await signWith(keyC)).sign(GET_USERS);
      expect((await verifier.verify(fromA, GET_USERS_REQUEST)).ok).toBe(true);
      expect((await verifier.verify(fromB, GET_USERS_REQUEST)).ok).toBe(true);
      expect(await verifier.verify(fromC, GET_USERS_REQUEST)).toMatchObject({
        ok: false,
        reason: "unknown_kid",
      });
    });

    it("rejects a token signed by another key that claims a known kid", async () => {
      const impostor = await signWith({ ...keyC, privateJwk: { ...keyC.privateJwk, kid: "key-a" } });
      const verifier = await verifierFor([keyA]);
      expect(await verifier.verify(await impostor.sign(GET_USERS), GET_USERS_REQUEST)).toMatchObject({
        ok: false,
        reason: "bad_signature",
      });
    });
  });

  describe("tampering", () => {
    it("rejects a changed payload", async () => {
      const [header, payload, signature] = splitToken(await signerA.sign(GET_USERS));
      const claims = decodeSegment(payload) as Record<string, unknown>;
      const forged = encodeBase64Url(
        new TextEncoder().encode(JSON.stringify({ ...claims, roles: ["superuser"] })),
      );
      const verifier = await verifierFor([keyA]);
      expect(await verifier.verify(`${header}.${forged}.${signature}`, GET_USERS_REQUEST)).toMatchObject({
        ok: false,
        reason: "bad_signature",
      });
    });

    it("rejects a changed signature", async () => {
      const [header, payload, signature] = splitToken(await signerA.sign(GET_USERS));
      const bytes = decodeBase64Url(signature) as Uint8Array;
      bytes[10] = (bytes[10] as number) ^ 1;
      const verifier = await verifierFor([keyA]);
      expect(
        await verifier.verify(`${header}.${payload}.${encodeBase64Url(bytes)}`, GET_USERS_REQUEST),
      ).toMatchObject({ ok: false, reason: "bad_signature" });
    });

    it("rejects a signature moved onto another token", async () => {
      const first = splitToken(await signerA.sign(GET_USERS));
      const second = splitToken(await signerA.sign(GET_USERS));
      const verifier = await verifierFor([keyA]);
      expect(await verifier.verify(`${first[0]}.${first[1]}.${second[2]}`, GET_USERS_REQUEST)).toMatchObject({
        ok: false,
        reason: "bad_signature",
      });
    });
  });

  describe("issuer and audience", () => {
    it("rejects a token for another audience", async () => {
      const token = await signerA.sign({ ...GET_USERS, audience: "users-service" });
      expect(await (await verifierFor([keyA])).verify(token, GET_USERS_REQUEST)).toMatchObject({
        ok: false,
        reason: "wrong_audience",
      });
    });

    it("rejects an issuer that is not listed and accepts one that is", async () => {
      const token = await (await signWith(keyA, T0_MS, 60, "central")).sign(GET_USERS);
      expect(await (await verifierFor([keyA])).verify(token, GET_USERS_REQUEST)).toMatchObject({
        ok: false,
        reason: "wrong_issuer",
      });
      const both = await verifierFor([keyA], { issuers: ["edge", "central"] });
      expect((await both.verify(token, GET_USERS_REQUEST)).ok).toBe(true);
    });
  });

  describe("time", () => {
    const skew = 5;
    const ttl = 60;

    it("accepts a token until exp + skew and rejects it from then on", async () => {
      const token = await (await signWith(keyA, T0_MS, ttl)).sign(GET_USERS);
      const lastGoodMs = T0_MS + (ttl + skew) * 1000 - 1;
      const atLimit = await verifierFor([keyA], { now: fixedClock(lastGoodMs) });
      expect((await atLimit.verify(token, GET_USERS_REQUEST)).ok).toBe(true);
      const late = await verifierFor([keyA], { now: fixedClock(lastGoodMs + 1) });
      expect(await late.verify(token, GET_USERS_REQUEST)).toMatchObject({ ok: false, reason: "expired" });
    });

    it("tolerates a signer clock ahead by up to the skew, not more", async () => {
      const verifier = await verifierFor([keyA]);
      const slightlyAhead = await (await signWith(keyA, T0_MS + skew * 1000)).sign(GET_USERS);
      expect((await verifier.verify(slightlyAhead, GET_USERS_REQUEST)).ok).toBe(true);
      const tooFarAhead = await (await signWith(keyA, T0_MS + (skew + 1) * 1000)).sign(GET_USERS);
      expect(await verifier.verify(tooFarAhead, GET_USERS_REQUEST)).toMatchObject({
        ok: false,
        reason: "not_yet_valid",
      });
    });

    it("rejects tokens whose lifetime exceeds maxTtlSeconds", async () => {
      const longLived = await (await signWith(keyA, T0_MS, 301)).sign(GET_USERS);
      const result = await (await verifierFor([keyA])).verify(longLived, GET_USERS_REQUEST);
      expect(result).toMatchObject({ ok: false, reason: "expired" });
      expect(result.ok || result.message).toMatch(/lifetime 301s exceeds the maximum of 300s/);
      const lenient = await verifierFor([keyA], { maxTtlSeconds: 600 });
      expect((await lenient.verify(longLived, GET_USERS_REQUEST)).ok).toBe(true);
    });
  });

  describe("request binding", () => {
    it("rejects a different method and ignores the method's case", async () => {
      const token = await signerA.sign(GET_USERS);
      const verifier = await verifierFor([keyA]);
      expect(await verifier.verify(token, { ...GET_USERS_REQUEST, method: "POST" })).toMatchObject({
        ok: false,
        reason: "binding_mismatch",
      });
      expect((await verifier.verify(token, { ...GET_USERS_REQUEST, method: "get" })).ok).toBe(true);
    });

    it("rejects a different path, a different query, and an added or dropped query", async () => {
      const token = await signerA.sign(GET_USERS);
      const verifier = await verifierFor([keyA]);
      for (const pathAndQuery of [
        "/v1/admins?limit=10&cursor=abc",
        "/v1/users?limit=1000&cursor=abc",
        "/v1/users?cursor=abc&limit=10",
        "/v1/users",
        "/v1/users?limit=10&cursor=abc&",
      ]) {
        expect(await verifier.verify(token, { method: "GET", pathAndQuery })).toMatchObject({
          ok: false,
          reason: "binding_mismatch",
        });
      }
    });

    it("distinguishes a bare trailing '?' from no query", async () => {
      const token = await signerA.sign({ ...GET_USERS, pathAndQuery: "/v1/users?" });
      const verifier = await verifierFor([keyA]);
      expect((await verifier.verify(token, { method: "GET", pathAndQuery: "/v1/users?" })).ok).toBe(true);
      expect(await verifier.verify(token, { method: "GET", pathAndQuery: "/v1/users" })).toMatchObject({
        ok: false,
        reason: "binding_mismatch",
      });
    });
  });

  describe("replay", () => {
    it("accepts a jti once and rejects its second use", async () => {
      const verifier = await verifierFor([keyA], {
        replayStore: createMemoryReplayStore({ now: fixedClock(T0_MS) }),
      });
      const token = await signerA.sign(GET_USERS);
      expect((await verifier.verify(token, GET_USERS_REQUEST)).ok).toBe(true);
      expect(await verifier.verify(token, GET_USERS_REQUEST)).toMatchObject({
        ok: false,
        reason: "replayed",
      });
      expect((await verifier.verify(await signerA.sign(GET_USERS), GET_USERS_REQUEST)).ok).toBe(true);
    });

    it("does not burn the jti of a token that failed another check", async () => {
      const verifier = await verifierFor([keyA], {
        replayStore: createMemoryReplayStore({ now: fixedClock(T0_MS) }),
      });
      const token = await signerA.sign(GET_USERS);
      expect(await verifier.verify(token, { ...GET_USERS_REQUEST, method: "DELETE" })).toMatchObject({
        reason: "binding_mismatch",
      });
      expect((await verifier.verify(token, GET_USERS_REQUEST)).ok).toBe(true);
    });

    it("remembers the jti until exp + skew", async () => {
      const remembered: Array<[string, number]> = [];
      const verifier = await verifierFor([keyA], {
        replayStore: {
          async remember(jti, expiresAt) {
            remembered.push([jti, expiresAt]);
            return true;
          },
        },
      });
      const token = await signerA.sign(GET_USERS);
      const result = await verifier.verify(token, GET_USERS_REQUEST);
      if (!result.ok || result.reusable) throw new Error("expected a request-bound token");
      expect(remembered).toEqual([[result.claims.jti, result.claims.exp + 5]]);
    });
  });

  describe("algorithm confusion and header injection", () => {
    const claims = async () => decodeSegment(splitToken(await signerA.sign(GET_USERS))[1]);

    it('rejects alg "none" with an empty signature', async () => {
      const token = await craftToken(
        { alg: "none", typ: "gateway-identity+jwt", kid: "key-a" },
        await claims(),
        { kind: "none" },
      );
      expect(await (await verifierFor([keyA])).verify(token, GET_USERS_REQUEST)).toMatchObject({
        ok: false,
        reason: "bad_header",
      });
    });

    it("rejects HS256 keyed with the public key bytes", async () => {
      const publicBytes = decodeBase64Url(keyA.publicJwk.x as string) as Uint8Array<ArrayBuffer>;
      const textKey = new TextEncoder().encode(JSON.stringify(keyA.publicJwk));
      const verifier = await verifierFor([keyA]);
      for (const secret of [publicBytes, textKey]) {
        const token = await craftToken(
          { alg: "HS256", typ: "gateway-identity+jwt", kid: "key-a" },
          await claims(),
          {
            kind: "hs256",
            secret,
          },
        );
        expect(await verifier.verify(token, GET_USERS_REQUEST)).toMatchObject({
          ok: false,
          reason: "bad_header",
        });
      }
    });

    it("rejects embedded or remote key headers and crit, even when the signature matches the embedded key", async () => {
      const verifier = await verifierFor([keyA]);
      const attacker = { kind: "ed25519", privateJwk: keyC.privateJwk } as const;
      const base = { alg: "EdDSA", typ: "gateway-identity+jwt", kid: "key-a" };
      for (const extra of [
        { jwk: keyC.publicJwk },
        { jku: "https://attacker.example/jwks.json" },
        { x5u: "https://attacker.example/cert.pem" },
        { x5c: ["MIIB"] },
        { crit: ["exp"], exp: 1 },
        { b64: false },
      ]) {
        const token = await craftToken({ ...base, ...extra }, await claims(), attacker);
        expect(await verifier.verify(token, GET_USERS_REQUEST)).toMatchObject({
          ok: false,
          reason: "bad_header",
        });
      }
    });

    it("rejects other alg spellings, a wrong or missing typ and a non-string kid", async () => {
      const verifier = await verifierFor([keyA]);
      const signing = { kind: "ed25519", privateJwk: keyA.privateJwk } as const;
      for (const header of [
        { alg: "Ed25519", typ: "gateway-identity+jwt", kid: "key-a" },
        { alg: "eddsa", typ: "gateway-identity+jwt", kid: "key-a" },
        { typ: "gateway-identity+jwt", kid: "key-a" },
        { alg: "EdDSA", typ: "JWT", kid: "key-a" },
        { alg: "EdDSA", kid: "key-a" },
        { alg: "EdDSA", typ: "gateway-identity+jwt", kid: 1 },
        { alg: "EdDSA", typ: "gateway-identity+jwt" },
      ]) {
        const token = await craftToken(header, await claims(), signing);
        expect(await verifier.verify(token, GET_USERS_REQUEST)).toMatchObject({
          ok: false,
          reason: "bad_header",
        });
      }
    });

    it("accepts a correctly signed header whose members are in another order", async () => {
      const token = await craftToken(
        { kid: "key-a", typ: "gateway-identity+jwt", alg: "EdDSA" },
        await claims(),
        {
          kind: "ed25519",
          privateJwk: keyA.privateJwk,
        },
      );
      expect((await (await verifierFor([keyA])).verify(token, GET_USERS_REQUEST)).ok).toBe(true);
    });
  });

  describe("size and shape", () => {
    it("reports a missing token", async () => {
      const verifier = await verifierFor([keyA]);
      for (const token of [undefined, null, ""]) {
        expect(await verifier.verify(token, GET_USERS_REQUEST)).toMatchObject({
          ok: false,
          reason: "missing",
        });
      }
    });

    it("rejects tokens over 8 KiB before parsing", async () => {
      const verifier = await verifierFor([keyA]);
      expect(await verifier.verify("a".repeat(8193), GET_USERS_REQUEST)).toMatchObject({
        ok: false,
        reason: "too_large",
      });
      const token = await signerA.sign(GET_USERS);
      expect(
        await verifier.verify(`${token}${"A".repeat(8193 - token.length)}`, GET_USERS_REQUEST),
      ).toMatchObject({ reason: "too_large" });
      const bigButSigned = await signerA.sign({
        ...GET_USERS,
        identity: { ...ALICE, roles: ["r".repeat(6500)] },
      });
      expect(bigButSigned.length).toBeGreaterThan(8192);
      expect(await verifier.verify(bigButSigned, GET_USERS_REQUEST)).toMatchObject({ reason: "too_large" });
    });

    it("rejects tokens without exactly three segments", async () => {
      const verifier = await verifierFor([keyA]);
      const token = await signerA.sign(GET_USERS);
      for (const bad of ["abc", "a.b", `${token}.x`, token.replace(/\./g, "")]) {
        expect(await verifier.verify(bad, GET_USERS_REQUEST)).toMatchObject({
          ok: false,
          reason: "malformed",
        });
      }
    });

    it("rejects segments that are not strict base64url", async () => {
      const verifier = await verifierFor([keyA]);
      const [header, payload, signature] = splitToken(await signerA.sign(GET_USERS));
      for (const bad of [
        `${header}.${payload.slice(0, 10)}*${payload.slice(11)}.${signature}`,
        `${header}.${payload}.${signature}=`,
        `${header}.${payload}.${signature.slice(0, 20)}+${signature.slice(21)}`,
        `${header}.${payload}.${signature.slice(0, -1)}`,
        `${header}.${payload}.${signature.slice(0, -1)}B`,
        `${header}é.${payload}.${signature}`,
        `!!!.${payload}.${signature}`,
      ]) {
        expect(await verifier.verify(bad, GET_USERS_REQUEST)).toMatchObject({
          ok: false,
          reason: "malformed",
        });
      }
    });

    it("rejects a header that is not a JSON object", async () => {
      const verifier = await verifierFor([keyA]);
      const [, payload, signature] = splitToken(await signerA.sign(GET_USERS));
      const encode = (text: string) => encodeBase64Url(new TextEncoder().encode(text));
      for (const header of ['{"alg":"EdDSA"', "[]", "null", '"EdDSA"']) {
        expect(
          await verifier.verify(`${encode(header)}.${payload}.${signature}`, GET_USERS_REQUEST),
        ).toMatchObject({ ok: false, reason: "malformed" });
      }
    });

    it("rejects a validly signed payload that is not JSON or lacks the claims", async () => {
      const verifier = await verifierFor([keyA]);
      const header = { alg: "EdDSA", typ: "gateway-identity+jwt", kid: "key-a" };
      const signing = { kind: "ed25519", privateJwk: keyA.privateJwk } as const;
      const good = decodeSegment(splitToken(await signerA.sign(GET_USERS))[1]) as Record<string, unknown>;
      const notJson = await craftToken(header, null, signing, () =>
        encodeBase64Url(new TextEncoder().encode("{nope")),
      );
      const notUtf8 = await craftToken(header, null, signing, () =>
        encodeBase64Url(new Uint8Array([0xff, 0xfe])),
      );
      const cases = [
        notJson,
        notUtf8,
        await craftToken(header, [good], signing),
        await craftToken(header, { ...good, roles: "admin" }, signing),
        await craftToken(header, { ...good, auth: "password" }, signing),
        await craftToken(header, { ...good, exp: "soon" }, signing),
        await craftToken(header, { ...good, aud: ["central"] }, signing),
        await craftToken(header, { ...good, jti: "short" }, signing),
        await craftToken(header, { ...good, exp: good.iat }, signing),
        await craftToken(header, { ...good, xfp: "ftp" }, signing),
        await craftToken(header, { ...good, xfp: true }, signing),
        await craftToken(header, { ...good, xfh: "evil.example/admin" }, signing),
        await craftToken(header, { ...good, xfh: "h".repeat(256) }, signing),
        await craftToken(header, { ...good, xfh: 443 }, signing),
        await craftToken(header, { ...good, country: "de" }, signing),
        await craftToken(header, { ...good, country: ["DE"] }, signing),
        await craftToken(header, { ...good, continent: "Europe" }, signing),
      ];
      for (const token of cases) {
        expect(await verifier.verify(token, GET_USERS_REQUEST)).toMatchObject({
          ok: false,
          reason: "malformed",
        });
      }
    });
  });

  describe("construction", () => {
    const base = { audience: "central", issuers: ["edge"], clockSkewSeconds: 5 };

    it("rejects key sets holding non-Ed25519 keys, naming the problem", async () => {
      const rsa = { kty: "RSA", kid: "rsa-1", n: "AQAB", e: "AQAB" };
      const p256 = { kty: "EC", crv: "P-256", kid: "ec-1", x: "x", y: "y" };
      const x25519 = { ...keyA.publicJwk, crv: "X25519" };
      await expect(
        impl.createVerifier({ ...base, publicKeys: { keys: [keyA.publicJwk, rsa] } }),
      ).rejects.toThrow(/keys\[1\].*"rsa-1".*kty=RSA.*only kty "OKP" with crv "Ed25519"/);
      await expect(impl.createVerifier({ ...base, publicKeys: { keys: [p256] } })).rejects.toThrow(/kty=EC/);
      await expect(impl.createVerifier({ ...base, publicKeys: { keys: [x25519] } })).rejects.toThrow(
        /crv=X25519/,
      );
    });

    it("rejects private keys, duplicate or missing kids, and an empty key set", async () => {
      await expect(impl.createVerifier({ ...base, publicKeys: { keys: [keyA.privateJwk] } })).rejects.toThrow(
        /private key/,
      );
      await expect(
        impl.createVerifier({ ...base, publicKeys: { keys: [keyA.publicJwk, keyA.publicJwk] } }),
      ).rejects.toThrow(/duplicate kid "key-a"/);
      const { kid: _kid, ...withoutKid } = keyA.publicJwk;
      await expect(impl.createVerifier({ ...base, publicKeys: { keys: [withoutKid] } })).rejects.toThrow(
        /kid/,
      );
      await expect(impl.createVerifier({ ...base, publicKeys: { keys: [] } })).rejects.toThrow(
        /at least one/,
      );
    });

    it("refuses to build a signer from a public key or a malformed ttl", async () => {
      await expect(
        impl.createSigner({ privateJwk: { ...keyA.publicJwk }, issuer: "edge", ttlSeconds: 60 }),
      ).rejects.toThrow(/"d"/);
      await expect(
        impl.createSigner({ privateJwk: keyA.privateJwk, issuer: "edge", ttlSeconds: 0 }),
      ).rejects.toThrow(/ttlSeconds/);
    });
  });
}
