import { randomBase64Url } from "./base64url.ts";

export interface IdentityPrivateJwk extends JsonWebKey {
  kid: string;
}

export interface IdentityPublicJwk extends JsonWebKey {
  kid: string;
}

export interface IdentityKeyPair {
  privateJwk: IdentityPrivateJwk;
  publicJwk: IdentityPublicJwk;
}

export const ED25519 = "Ed25519";

/** Ed25519 keys are 32 bytes: 43 base64url characters. */
const KEY_COMPONENT = /^[A-Za-z0-9_-]{43}$/;

export async function generateIdentityKeyPair(kid: string = randomBase64Url(12)): Promise<IdentityKeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: ED25519 }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const [privateJwk, publicJwk] = await Promise.all([
    crypto.subtle.exportKey("jwk", pair.privateKey) as Promise<JsonWebKey>,
    crypto.subtle.exportKey("jwk", pair.publicKey) as Promise<JsonWebKey>,
  ]);
  return {
    privateJwk: { kty: "OKP", crv: ED25519, x: privateJwk.x, d: privateJwk.d, kid, alg: "EdDSA" },
    publicJwk: { kty: "OKP", crv: ED25519, x: publicJwk.x, kid, alg: "EdDSA", use: "sig" },
  };
}

/** Throws a clear Error unless `value` is an Ed25519 public JWK with a kid. `where` names its origin. */
export function assertPublicJwk(value: unknown, where: string): asserts value is IdentityPublicJwk {
  const jwk = assertEd25519Common(value, where);
  if (jwk.d !== undefined) {
    throw new Error(`${where}: is a private key (has "d"); publish only public keys to verifiers`);
  }
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes("verify"))) {
    throw new Error(`${where}: key_ops must include "verify"`);
  }
}

/** Throws a clear Error unless `value` is an Ed25519 private JWK with a kid. `where` names its origin. */
export function assertPrivateJwk(value: unknown, where: string): asserts value is IdentityPrivateJwk {
  const jwk = assertEd25519Common(value, where);
  if (typeof jwk.d !== "string" || !KEY_COMPONENT.test(jwk.d)) {
    throw new Error(`${where}: "d" must be the 32-byte Ed25519 private key, base64url-encoded`);
  }
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes("sign"))) {
    throw new Error(`${where}: key_ops must include "sign"`);
  }
}

function assertEd25519Common(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where}: must be a JWK object`);
  }
  const jwk = value as Record<string, unknown>;
  const kid = typeof jwk.kid === "string" ? `"${jwk.kid}"` : "without kid";
  if (jwk.kty !== "OKP" || jwk.crv !== ED25519) {
    throw new Error(
      `${where}: key ${kid} has kty=${String(jwk.kty)} crv=${String(jwk.crv)}; only kty "OKP" with crv "Ed25519" is accepted`,
    );
  }
  if (typeof jwk.kid !== "string" || jwk.kid === "") {
    throw new Error(`${where}: every key needs a non-empty string "kid"`);
  }
  if (jwk.alg !== undefined && jwk.alg !== "EdDSA" && jwk.alg !== ED25519) {
    throw new Error(`${where}: key ${kid} has alg=${String(jwk.alg)}; expected "EdDSA"`);
  }
  if (jwk.use !== undefined && jwk.use !== "sig") {
    throw new Error(`${where}: key ${kid} has use=${String(jwk.use)}; expected "sig"`);
  }
  if (typeof jwk.x !== "string" || !KEY_COMPONENT.test(jwk.x)) {
    throw new Error(`${where}: key ${kid} needs "x", the 32-byte Ed25519 public key, base64url-encoded`);
  }
  return jwk;
}

/** Imports only the key material, so unrelated JWK members (use, key_ops, ext) cannot fail the import. */
export function importPublicKey(jwk: IdentityPublicJwk): Promise<CryptoKey> {
  return crypto.subtle.importKey("jwk", { kty: "OKP", crv: ED25519, x: jwk.x }, { name: ED25519 }, false, [
    "verify",
  ]);
}

export function importPrivateKey(jwk: IdentityPrivateJwk): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "jwk",
    { kty: "OKP", crv: ED25519, x: jwk.x, d: jwk.d },
    { name: ED25519 },
    false,
    ["sign"],
  );
}
