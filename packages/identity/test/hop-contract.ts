/**
 * The HS256 edge → central hop: every runtime pairing must sign and reject alike. Registered by
 * test/hop.test.ts (WebCrypto, node:crypto, crossed) and test/workerd/hop.test.ts (workerd).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { decodeBase64Url, encodeBase64Url } from "../src/base64url.ts";
import {
  createHmacIdentitySigner,
  createHmacIdentityVerifier,
  createMemoryReplayStore,
  generateHopSecret,
  generateIdentityKeyPair,
  type HmacIdentitySignerOptions,
  type HmacIdentityVerifierOptions,
  type HopSecretJwk,
  type IdentitySigner,
  type IdentityVerifier,
  type SignInput,
} from "../src/index.ts";
import { ALICE, craftToken, decodeSegment, fixedClock, splitToken, T0_MS } from "./helpers.ts";

export interface HopImplementation {
  name: string;
  createSigner(opts: HmacIdentitySignerOptions): Promise<IdentitySigner>;
  createVerifier(opts: HmacIdentityVerifierOptions): Promise<IdentityVerifier>;
}

export const WEBCRYPTO_HOP: HopImplementation = {
  name: "WebCrypto",
  createSigner: createHmacIdentitySigner,
  createVerifier: createHmacIdentityVerifier,
};

const INPUT: SignInput = {
  identity: ALICE,
  audience: "central",
  method: "POST",
  pathAndQuery: "/v1/orders?dry_run=1",
  clientIp: "198.51.100.4",
  forwardedProto: "https",
  forwardedHost: "api.example.com",
};
const REQUEST = { method: "POST", pathAndQuery: INPUT.pathAndQuery };

export function hopContract(impl: HopImplementation): void {
  describe(`HS256 hop (${impl.name})`, () => {
    let first: HopSecretJwk;
    let second: HopSecretJwk;
    let stranger: HopSecretJwk;
    const signerWith = (secretJwk: HopSecretJwk, at = T0_MS) =>
      impl.createSigner({ secretJwk, issuer: "edge", ttlSeconds: 30, now: fixedClock(at) });
    const verifierWith = (keys: HopSecretJwk[], overrides: Partial<HmacIdentityVerifierOptions> = {}) =>
      impl.createVerifier({
        secretKeys: { keys },
        audience: "central",
        issuers: ["edge"],
        clockSkewSeconds: 5,
        now: fixedClock(T0_MS),
        ...overrides,
      });

    beforeAll(() => {
      first = generateHopSecret("hop-1");
      second = generateHopSecret("hop-2");
      stranger = generateHopSecret("hop-1");
    });

    it("round-trips identity, binding, client ip and forwarded claims under an HS256 header", async () => {
      const token = await (await signerWith(first)).sign(INPUT);
      const [header, , signature] = splitToken(token);
      expect(decodeSegment(header)).toEqual({ alg: "HS256", typ: "gateway-identity+jwt", kid: "hop-1" });
      expect(decodeBase64Url(signature)?.length).toBe(32);
      const result = await (await verifierWith([first])).verify(token, REQUEST);
      if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
      expect(result.claims).toMatchObject({
        ...ALICE,
        iss: "edge",
        aud: "central",
        htm: "POST",
        cip: "198.51.100.4",
        xfp: "https",
        xfh: "api.example.com",
      });
    });

    it("rotates with two keys: both verify, the signer's is the first; a removed key is unknown", async () => {
      const both = await verifierWith([second, first]);
      const fromFirst = await (await signerWith(first)).sign(INPUT);
      const fromSecond = await (await signerWith(second)).sign(INPUT);
      expect((await both.verify(fromFirst, REQUEST)).ok).toBe(true);
      expect((await both.verify(fromSecond, REQUEST)).ok).toBe(true);
      const afterRotation = await verifierWith([second]);
      expect(await afterRotation.verify(fromFirst, REQUEST)).toMatchObject({
        ok: false,
        reason: "unknown_kid",
      });
      expect((await afterRotation.verify(fromSecond, REQUEST)).ok).toBe(true);
    });

    it("rejects a token keyed with another secret under a known kid, and a flipped signature bit", async () => {
      const verifier = await verifierWith([first]);
      const forged = await (await signerWith(stranger)).sign(INPUT);
      expect(await verifier.verify(forged, REQUEST)).toMatchObject({ ok: false, reason: "bad_signature" });
      const [h, p, s] = splitToken(await (await signerWith(first)).sign(INPUT));
      const bytes = decodeBase64Url(s) as Uint8Array;
      bytes[0] = (bytes[0] as number) ^ 1;
      expect(await verifier.verify(`${h}.${p}.${encodeBase64Url(bytes)}`, REQUEST)).toMatchObject({
        ok: false,
        reason: "bad_signature",
      });
    });

    it("rejects a changed payload", async () => {
      const [h, p, s] = splitToken(await (await signerWith(first)).sign(INPUT));
      const claims = decodeSegment(p) as Record<string, unknown>;
      const forged = encodeBase64Url(new TextEncoder().encode(JSON.stringify({ ...claims, sub: "root" })));
      expect(await (await verifierWith([first])).verify(`${h}.${forged}.${s}`, REQUEST)).toMatchObject({
        ok: false,
        reason: "bad_signature",
      });
    });

    it("checks binding, audience, expiry and replay like the Ed25519 hop", async () => {
      const signer = await signerWith(first);
      const verifier = await verifierWith([first], {
        replayStore: createMemoryReplayStore({ now: fixedClock(T0_MS) }),
      });
      expect(await verifier.verify(await signer.sign(INPUT), { ...REQUEST, method: "GET" })).toMatchObject({
        reason: "binding_mismatch",
      });
      expect(
        await verifier.verify(await signer.sign(INPUT), { ...REQUEST, pathAndQuery: "/v1/orders" }),
      ).toMatchObject({ reason: "binding_mismatch" });
      expect(
        await verifier.verify(await signer.sign({ ...INPUT, audience: "users" }), REQUEST),
      ).toMatchObject({ reason: "wrong_audience" });
      const late = await verifierWith([first], { now: fixedClock(T0_MS + 35_000) });
      expect(await late.verify(await signer.sign(INPUT), REQUEST)).toMatchObject({ reason: "expired" });
      const once = await signer.sign(INPUT);
      expect((await verifier.verify(once, REQUEST)).ok).toBe(true);
      expect(await verifier.verify(once, REQUEST)).toMatchObject({ reason: "replayed" });
    });

    it("pins the algorithm: EdDSA, none and an HS256 token under an EdDSA header are refused", async () => {
      const verifier = await verifierWith([first]);
      const claims = decodeSegment(splitToken(await (await signerWith(first)).sign(INPUT))[1]);
      const ed = await generateIdentityKeyPair("hop-1");
      const secret = decodeBase64Url(first.k) as Uint8Array<ArrayBuffer>;
      const typ = "gateway-identity+jwt";
      const cases = [
        await craftToken({ alg: "EdDSA", typ, kid: "hop-1" }, claims, {
          kind: "ed25519",
          privateJwk: ed.privateJwk,
        }),
        await craftToken({ alg: "none", typ, kid: "hop-1" }, claims, { kind: "none" }),
        await craftToken({ alg: "EdDSA", typ, kid: "hop-1" }, claims, { kind: "hs256", secret }),
        await craftToken({ alg: "HS512", typ, kid: "hop-1" }, claims, { kind: "hs256", secret }),
        await craftToken({ alg: "HS256", typ, kid: "hop-1", jku: "https://x.example" }, claims, {
          kind: "hs256",
          secret,
        }),
      ];
      for (const token of cases) {
        expect(await verifier.verify(token, REQUEST)).toMatchObject({ ok: false, reason: "bad_header" });
      }
      // The same bytes under a reordered but valid header still verify: the check is semantic.
      const reordered = await craftToken({ kid: "hop-1", typ, alg: "HS256" }, claims, {
        kind: "hs256",
        secret,
      });
      expect((await verifier.verify(reordered, REQUEST)).ok).toBe(true);
    });

    it("refuses short, non-oct, kid-less and duplicate keys at construction, never quoting the secret", async () => {
      const short = { kty: "oct", kid: "short", k: encodeBase64Url(new Uint8Array(31)) };
      const rules = { audience: "central", issuers: ["edge"], clockSkewSeconds: 5 };
      await expect(impl.createVerifier({ ...rules, secretKeys: { keys: [short] } })).rejects.toThrow(
        /"short" is 248 bits; HS256 keys must be at least 256 bits/,
      );
      const ed = await generateIdentityKeyPair("ed");
      await expect(impl.createVerifier({ ...rules, secretKeys: { keys: [ed.publicJwk] } })).rejects.toThrow(
        /kty=OKP; the HS256 hop needs kty "oct"/,
      );
      const { kid: _kid, ...noKid } = first;
      await expect(impl.createVerifier({ ...rules, secretKeys: { keys: [noKid] } })).rejects.toThrow(/kid/);
      await expect(
        impl.createVerifier({ ...rules, secretKeys: { keys: [first, { ...second, kid: "hop-1" }] } }),
      ).rejects.toThrow(/duplicate kid "hop-1"/);
      const error = await impl
        .createSigner({ secretJwk: { ...first, alg: "HS512" }, issuer: "edge", ttlSeconds: 30 })
        .catch((e: Error) => e);
      expect(String(error)).toMatch(/alg=HS512/);
      expect(String(error)).not.toContain(first.k);
    });
  });
}
