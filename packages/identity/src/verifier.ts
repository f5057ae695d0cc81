import { bindingHashSync } from "./binding.ts";
import { HOP_TOKEN_ALG, IDENTITY_TOKEN_ALG } from "./header.ts";
import { createRemoteKeyStore, createStaticKeyStore, importKeySet, type KeyStore } from "./key-store.ts";
import { assertPublicJwk, ED25519, type IdentityPublicJwk, importPublicKey } from "./keys.ts";
import { assertHopSecretSet, type HopSecretJwk, hopSecretBytes } from "./secret-keys.ts";
import {
  assertVerifierRules,
  buildIdentityVerifier,
  type IdentityVerifier,
  type VerifierRules,
} from "./verifier-core.ts";

export {
  type IdentityFailure,
  type IdentityVerifier,
  MAX_IDENTITY_TOKEN_BYTES,
  type VerifiedIdentity,
  type VerifierRules,
  type VerifyRequest,
  type VerifyResult,
} from "./verifier-core.ts";

/** An Ed25519 verifier's keys: a static JWKS, or central's JWKS URL (followed across rotations). */
export interface IdentityVerifierOptions extends VerifierRules {
  /** JWKS of Ed25519 public keys; several kids = rotation. Give this or `jwksUrl`. */
  publicKeys?: { keys: JsonWebKey[] };
  /** Central's `/.well-known/gateway-jwks.json`; a new kid is fetched on first sight. Give this or `publicKeys`. */
  jwksUrl?: string;
  /** With `jwksUrl`: keys are refreshed in the background once this old; default 300. */
  jwksCacheSeconds?: number;
  /** With `jwksUrl`: an unknown kid triggers at most one refetch per this interval; default 30. */
  jwksMinRefetchSeconds?: number;
  /** With `jwksUrl`: the fetch to use; default globalThis.fetch. */
  fetch?: typeof fetch;
}

/** An HS256 verifier (central, for the edge hop): the shared secrets. */
export interface HmacIdentityVerifierOptions extends VerifierRules {
  /** JWK set of `oct` keys (≥ 256 bits, each with a kid): `EDGE_CENTRAL_KEYS`. All verify. */
  secretKeys: { keys: JsonWebKey[] };
}

const encoder = new TextEncoder();

export function assertPublicKeySet(keys: unknown, where: string): asserts keys is IdentityPublicJwk[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new Error(`${where} must be a JWKS with at least one key in \`keys\``);
  }
  const kids = new Set<string>();
  keys.forEach((jwk: unknown, index) => {
    assertPublicJwk(jwk, `${where}.keys[${index}]`);
    if (kids.has(jwk.kid)) throw new Error(`${where}: duplicate kid "${jwk.kid}"`);
    kids.add(jwk.kid);
  });
}

/**
 * The Ed25519 key store of a verifier built from IdentityVerifierOptions: static keys, or
 * a JWKS URL. Shared by the WebCrypto and node:crypto verifiers.
 */
export async function ed25519KeyStore<Key>(
  opts: IdentityVerifierOptions,
  importKey: (jwk: IdentityPublicJwk) => Key | Promise<Key>,
): Promise<KeyStore<Key>> {
  assertVerifierRules(opts);
  const hasKeys = opts.publicKeys !== undefined;
  const hasUrl = opts.jwksUrl !== undefined;
  if (hasKeys === hasUrl) {
    throw new Error("identity verifier needs exactly one of publicKeys (a JWKS) or jwksUrl");
  }
  if (opts.publicKeys !== undefined) {
    const keys = opts.publicKeys.keys;
    assertPublicKeySet(keys, "identity verifier publicKeys");
    return createStaticKeyStore(await importKeySet(keys, IDENTITY_TOKEN_ALG, importKey));
  }
  const url = opts.jwksUrl as string;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("identity verifier jwksUrl is not an absolute URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new Error("identity verifier jwksUrl must be an http: or https: URL");
  }
  const cacheSeconds = opts.jwksCacheSeconds ?? 300;
  const minRefetchSeconds = opts.jwksMinRefetchSeconds ?? 30;
  if (!(cacheSeconds > 0) || !(minRefetchSeconds > 0)) {
    throw new Error("identity verifier jwksCacheSeconds and jwksMinRefetchSeconds must be > 0");
  }
  return createRemoteKeyStore({
    url,
    fetch: opts.fetch ?? ((input, init) => fetch(input, init)),
    now: opts.now ?? Date.now,
    cacheSeconds,
    minRefetchSeconds,
    async load(document) {
      const keys = (document as { keys?: unknown } | null)?.keys;
      assertPublicKeySet(keys, "JWKS document");
      return importKeySet(keys, IDENTITY_TOKEN_ALG, importKey);
    },
  });
}

export async function hmacKeyStore<Key>(
  opts: HmacIdentityVerifierOptions,
  importKey: (jwk: HopSecretJwk) => Key | Promise<Key>,
): Promise<KeyStore<Key>> {
  assertVerifierRules(opts);
  assertHopSecretSet(opts.secretKeys, "identity verifier secretKeys");
  return createStaticKeyStore(
    await importKeySet(opts.secretKeys.keys, HOP_TOKEN_ALG, (jwk) => importKey(jwk as HopSecretJwk)),
  );
}

/** WebCrypto Ed25519 verifier: runs in workerd and Node. On Node, `createNodeIdentityVerifier` is faster. */
export async function createIdentityVerifier(opts: IdentityVerifierOptions): Promise<IdentityVerifier> {
  const keys = await ed25519KeyStore(opts, importPublicKey);
  return buildIdentityVerifier<CryptoKey>(opts, keys, {
    algorithm: IDENTITY_TOKEN_ALG,
    signatureBytes: 64,
    verifySignature: (key, signature, signingInput) =>
      crypto.subtle.verify(ED25519, key, signature, encoder.encode(signingInput)),
    bindingHash: bindingHashSync,
  });
}

/** WebCrypto HS256 verifier (the edge → central hop): runs in workerd and Node. Constant-time compare by WebCrypto. */
export async function createHmacIdentityVerifier(
  opts: HmacIdentityVerifierOptions,
): Promise<IdentityVerifier> {
  const keys = await hmacKeyStore(opts, (jwk) =>
    crypto.subtle.importKey("raw", hopSecretBytes(jwk), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]),
  );
  return buildIdentityVerifier<CryptoKey>(opts, keys, {
    algorithm: HOP_TOKEN_ALG,
    signatureBytes: 32,
    verifySignature: (key, signature, signingInput) =>
      crypto.subtle.verify("HMAC", key, signature, encoder.encode(signingInput)),
    bindingHash: bindingHashSync,
  });
}
