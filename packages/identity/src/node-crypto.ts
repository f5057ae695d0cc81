import { isUtf8 } from "node:buffer";
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  hash,
  type KeyObject,
  randomFillSync,
  sign,
  timingSafeEqual,
  verify,
} from "node:crypto";
import { HOP_TOKEN_ALG, IDENTITY_TOKEN_ALG } from "./header.ts";
import { assertPrivateJwk, ED25519, type IdentityPublicJwk } from "./keys.ts";
import { assertHopSecretJwk, type HopSecretJwk, hopSecretBytes } from "./secret-keys.ts";
import type { HmacIdentitySignerOptions } from "./signer.ts";
import {
  assertSignerRules,
  buildIdentitySigner,
  type IdentitySigner,
  type IdentitySignerOptions,
} from "./signer-core.ts";
import {
  ed25519KeyStore,
  type HmacIdentityVerifierOptions,
  hmacKeyStore,
  type IdentityVerifierOptions,
} from "./verifier.ts";
import { buildIdentityVerifier, type IdentityVerifier } from "./verifier-core.ts";

/**
 * Node-only implementations with the same options, token format and rejection
 * rules as the WebCrypto ones (they share the core). node:crypto's one-shot
 * sign/verify and HMAC run synchronously on a cached KeyObject: no thread-pool
 * hop and no promise per operation, which WebCrypto on Node costs (~30-50 µs).
 */

/** `htp` with OpenSSL's SHA-256; Buffer's UTF-8 encoding matches TextEncoder, lone surrogates included. */
export function nodeBindingHash(pathAndQuery: string): string {
  // One-shot crypto.hash: no Hash object per call (a Hash is a stream wrapper; it showed up in GC).
  return hash("sha256", pathAndQuery, "base64url");
}

const JTI_BYTES = 16;
/** Random bytes are drawn in batches: one RAND_bytes call per 256 jtis instead of one per token. */
const JTI_BATCH = 256;

function createJtiSource(): () => string {
  const pool = Buffer.alloc(JTI_BYTES * JTI_BATCH);
  let offset = pool.length;
  return () => {
    if (offset === pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const jti = pool.toString("base64url", offset, offset + JTI_BYTES);
    offset += JTI_BYTES;
    return jti;
  };
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const SEXTET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Strict base64url like `decodeBase64Url` (alphabet only, no padding, zero unused bits in the
 * last character, so one encoding per byte string), decoded by Buffer's native codec.
 */
export function nodeDecodeSegment(text: string): Uint8Array<ArrayBuffer> | null {
  const rest = text.length % 4;
  if (rest === 1 || !BASE64URL.test(text)) return null;
  if (rest !== 0) {
    const last = SEXTET.indexOf(text.charAt(text.length - 1));
    if ((last & (rest === 2 ? 15 : 3)) !== 0) return null;
  }
  const bytes = Buffer.from(text, "base64url");
  return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
}

function nodeDecodeUtf8(bytes: Uint8Array): string | null {
  if (!isUtf8(bytes)) return null;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8");
}

/** The verifier's codec on Node: native base64url and UTF-8 validation instead of the JS loops. */
const nodeDecoding = { decodeSegment: nodeDecodeSegment, decodeUtf8: nodeDecodeUtf8 };

const nodeTextCodec = {
  bindingHash: nodeBindingHash,
  encodeText: (text: string) => Buffer.from(text, "utf8").toString("base64url"),
};

function importPublicKeyObject(jwk: IdentityPublicJwk): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: ED25519, x: jwk.x as string }, format: "jwk" });
}

function importSecretKeyObject(jwk: HopSecretJwk): KeyObject {
  return createSecretKey(hopSecretBytes(jwk));
}

function hmacSha256(key: KeyObject, signingInput: string): Buffer {
  return createHmac("sha256", key).update(signingInput, "latin1").digest();
}

export async function createNodeIdentityVerifier(opts: IdentityVerifierOptions): Promise<IdentityVerifier> {
  const keys = await ed25519KeyStore(opts, importPublicKeyObject);
  return buildIdentityVerifier<KeyObject>(opts, keys, {
    algorithm: IDENTITY_TOKEN_ALG,
    signatureBytes: 64,
    // Ed25519 takes no digest: the algorithm argument must be null.
    verifySignature: (key, signature, signingInput) =>
      verify(null, Buffer.from(signingInput, "latin1"), key, signature),
    bindingHash: nodeBindingHash,
    ...nodeDecoding,
  });
}

/** HS256 on node:crypto: one HMAC-SHA256 and a constant-time compare per token (a few µs). */
export async function createNodeHmacIdentityVerifier(
  opts: HmacIdentityVerifierOptions,
): Promise<IdentityVerifier> {
  const keys = await hmacKeyStore(opts, importSecretKeyObject);
  return buildIdentityVerifier<KeyObject>(opts, keys, {
    algorithm: HOP_TOKEN_ALG,
    signatureBytes: 32,
    verifySignature: (key, signature, signingInput) =>
      timingSafeEqual(hmacSha256(key, signingInput), signature),
    bindingHash: nodeBindingHash,
    ...nodeDecoding,
  });
}

export async function createNodeIdentitySigner(opts: IdentitySignerOptions): Promise<IdentitySigner> {
  assertPrivateJwk(opts.privateJwk, "identity signer privateJwk");
  assertSignerRules(opts);
  const { x, d, kid } = opts.privateJwk;
  const key = createPrivateKey({
    key: { kty: "OKP", crv: ED25519, x: x as string, d: d as string },
    format: "jwk",
  });
  return buildIdentitySigner(opts, kid, key, {
    algorithm: IDENTITY_TOKEN_ALG,
    signBase64Url: (k, signingInput) =>
      sign(null, Buffer.from(signingInput, "latin1"), k).toString("base64url"),
    randomJti: createJtiSource(),
    ...nodeTextCodec,
  });
}

export async function createNodeHmacIdentitySigner(opts: HmacIdentitySignerOptions): Promise<IdentitySigner> {
  assertHopSecretJwk(opts.secretJwk, "identity signer secretJwk");
  assertSignerRules(opts);
  return buildIdentitySigner(opts, opts.secretJwk.kid, importSecretKeyObject(opts.secretJwk), {
    algorithm: HOP_TOKEN_ALG,
    signBase64Url: (k, signingInput) => hmacSha256(k, signingInput).toString("base64url"),
    randomJti: createJtiSource(),
    ...nodeTextCodec,
  });
}
