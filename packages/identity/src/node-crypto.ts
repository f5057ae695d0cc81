import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomFillSync,
  sign,
  verify,
} from "node:crypto";
import { ED25519, type IdentityPrivateJwk, type IdentityPublicJwk } from "./keys.ts";
import { buildIdentitySigner, type IdentitySigner, type IdentitySignerOptions } from "./signer-core.ts";
import {
  buildIdentityVerifier,
  type IdentityVerifier,
  type IdentityVerifierOptions,
} from "./verifier-core.ts";

/**
 * Node-only implementations with the same options, token format and rejection
 * rules as the WebCrypto ones (they share the core). node:crypto's one-shot
 * Ed25519 sign/verify run synchronously on a cached KeyObject: no thread-pool
 * hop and no promise per operation, which WebCrypto on Node costs (~30-50 µs).
 */

/** `htp` with OpenSSL's SHA-256; Buffer's UTF-8 encoding matches TextEncoder, lone surrogates included. */
export function nodeBindingHash(pathAndQuery: string): string {
  return createHash("sha256").update(pathAndQuery, "utf8").digest("base64url");
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

function importPublicKeyObject(jwk: IdentityPublicJwk): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: ED25519, x: jwk.x as string }, format: "jwk" });
}

function importPrivateKeyObject(jwk: IdentityPrivateJwk): KeyObject {
  return createPrivateKey({
    key: { kty: "OKP", crv: ED25519, x: jwk.x as string, d: jwk.d as string },
    format: "jwk",
  });
}

export function createNodeIdentityVerifier(opts: IdentityVerifierOptions): Promise<IdentityVerifier> {
  return buildIdentityVerifier<KeyObject>(opts, {
    importPublicKey: importPublicKeyObject,
    // Ed25519 takes no digest: the algorithm argument must be null.
    verifySignature: (key, signature, signingInput) =>
      verify(null, Buffer.from(signingInput, "latin1"), key, signature),
    bindingHash: nodeBindingHash,
  });
}

export function createNodeIdentitySigner(opts: IdentitySignerOptions): Promise<IdentitySigner> {
  return buildIdentitySigner<KeyObject>(opts, {
    importPrivateKey: importPrivateKeyObject,
    signBase64Url: (key, signingInput) =>
      sign(null, Buffer.from(signingInput, "latin1"), key).toString("base64url"),
    bindingHash: nodeBindingHash,
    encodeText: (text) => Buffer.from(text, "utf8").toString("base64url"),
    randomJti: createJtiSource(),
  });
}
