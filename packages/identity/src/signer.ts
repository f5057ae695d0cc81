import { encodeBase64Url, encodeBase64UrlText, randomBase64Url } from "./base64url.ts";
import { bindingHashSync } from "./binding.ts";
import { HOP_TOKEN_ALG, IDENTITY_TOKEN_ALG } from "./header.ts";
import { assertPrivateJwk, ED25519, importPrivateKey } from "./keys.ts";
import { assertHopSecretJwk, hopSecretBytes } from "./secret-keys.ts";
import {
  assertSignerRules,
  buildIdentitySigner,
  type IdentitySigner,
  type IdentitySignerOptions,
  type SignerRules,
} from "./signer-core.ts";

export type {
  IdentitySigner,
  IdentitySignerOptions,
  ReusableSignInput,
  SignedReusableToken,
  SignInput,
} from "./signer-core.ts";

export interface HmacIdentitySignerOptions extends SignerRules {
  /** The HS256 `oct` JWK (with kid, ≥ 256 bits) that signs: the first key of `EDGE_CENTRAL_KEYS`. */
  secretJwk: JsonWebKey & { kid: string };
}

const encoder = new TextEncoder();

const textCodec = {
  bindingHash: bindingHashSync,
  encodeText: encodeBase64UrlText,
  randomJti: () => randomBase64Url(16),
};

/** WebCrypto Ed25519 signer: runs in workerd and Node. On Node, `createNodeIdentitySigner` is faster. */
export async function createIdentitySigner(opts: IdentitySignerOptions): Promise<IdentitySigner> {
  assertPrivateJwk(opts.privateJwk, "identity signer privateJwk");
  assertSignerRules(opts);
  const key = await importPrivateKey(opts.privateJwk);
  return buildIdentitySigner(opts, opts.privateJwk.kid, key, {
    algorithm: IDENTITY_TOKEN_ALG,
    signBase64Url: async (k, signingInput) =>
      encodeBase64Url(new Uint8Array(await crypto.subtle.sign(ED25519, k, encoder.encode(signingInput)))),
    ...textCodec,
  });
}

/** WebCrypto HS256 signer (the edge → central hop): runs in workerd and Node. */
export async function createHmacIdentitySigner(opts: HmacIdentitySignerOptions): Promise<IdentitySigner> {
  assertHopSecretJwk(opts.secretJwk, "identity signer secretJwk");
  assertSignerRules(opts);
  const key = await crypto.subtle.importKey(
    "raw",
    hopSecretBytes(opts.secretJwk),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return buildIdentitySigner(opts, opts.secretJwk.kid, key, {
    algorithm: HOP_TOKEN_ALG,
    signBase64Url: async (k, signingInput) =>
      encodeBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", k, encoder.encode(signingInput)))),
    ...textCodec,
  });
}
