import { decodeBase64Url, encodeBase64Url, randomBase64Url } from "./base64url.ts";

/** An HS256 key shared by the edge and central: a JWK of `kty: "oct"` with a kid. */
export interface HopSecretJwk extends JsonWebKey {
  kty: "oct";
  kid: string;
  k: string;
}

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output. */
export const MIN_HOP_SECRET_BYTES = 32;

/** A fresh 256-bit HS256 key (WebCrypto randomness; workerd and Node). */
export function generateHopSecret(kid: string = randomBase64Url(12)): HopSecretJwk {
  const k = encodeBase64Url(crypto.getRandomValues(new Uint8Array(MIN_HOP_SECRET_BYTES)));
  return { kty: "oct", kid, k, alg: "HS256", use: "sig" };
}

/** Throws a clear Error unless `value` is an HS256 `oct` JWK of ≥ 256 bits with a kid. Never quotes `k`. */
export function assertHopSecretJwk(value: unknown, where: string): asserts value is HopSecretJwk {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where}: must be a JWK object`);
  }
  const jwk = value as Record<string, unknown>;
  const kid = typeof jwk.kid === "string" ? `"${jwk.kid}"` : "without kid";
  if (jwk.kty !== "oct") {
    throw new Error(
      `${where}: key ${kid} has kty=${String(jwk.kty)}; the HS256 hop needs kty "oct" (a shared secret)`,
    );
  }
  if (typeof jwk.kid !== "string" || jwk.kid === "") {
    throw new Error(`${where}: every key needs a non-empty string "kid"`);
  }
  if (jwk.alg !== undefined && jwk.alg !== "HS256") {
    throw new Error(`${where}: key ${kid} has alg=${String(jwk.alg)}; expected "HS256"`);
  }
  if (jwk.use !== undefined && jwk.use !== "sig") {
    throw new Error(`${where}: key ${kid} has use=${String(jwk.use)}; expected "sig"`);
  }
  const bytes = typeof jwk.k === "string" ? decodeBase64Url(jwk.k) : null;
  if (bytes === null) {
    throw new Error(`${where}: key ${kid} needs "k", the secret, base64url-encoded without padding`);
  }
  if (bytes.length < MIN_HOP_SECRET_BYTES) {
    throw new Error(
      `${where}: key ${kid} is ${bytes.length * 8} bits; HS256 keys must be at least ${MIN_HOP_SECRET_BYTES * 8} bits`,
    );
  }
}

/** Checks a whole key set: non-empty, every key valid, kids unique. `where` names its origin. */
export function assertHopSecretSet(value: unknown, where: string): asserts value is { keys: HopSecretJwk[] } {
  const keys =
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as { keys?: unknown }).keys
      : undefined;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new Error(`${where}: must be a JWK set with at least one key in "keys"`);
  }
  const kids = new Set<string>();
  keys.forEach((key: unknown, index) => {
    assertHopSecretJwk(key, `${where} keys[${index}]`);
    if (kids.has(key.kid)) throw new Error(`${where}: duplicate kid "${key.kid}"`);
    kids.add(key.kid);
  });
}

/** The secret's bytes; call only after assertHopSecretJwk. */
export function hopSecretBytes(jwk: HopSecretJwk): Uint8Array<ArrayBuffer> {
  return decodeBase64Url(jwk.k) as Uint8Array<ArrayBuffer>;
}
