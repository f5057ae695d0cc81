import { bindingHashSync } from "./binding.ts";
import { ED25519, importPublicKey } from "./keys.ts";
import {
  buildIdentityVerifier,
  type IdentityVerifier,
  type IdentityVerifierOptions,
} from "./verifier-core.ts";

export {
  type IdentityFailure,
  type IdentityVerifier,
  type IdentityVerifierOptions,
  MAX_IDENTITY_TOKEN_BYTES,
  type VerifyRequest,
  type VerifyResult,
} from "./verifier-core.ts";

const encoder = new TextEncoder();

/** WebCrypto verifier: runs in workerd and Node. On Node, `createNodeIdentityVerifier` is faster. */
export function createIdentityVerifier(opts: IdentityVerifierOptions): Promise<IdentityVerifier> {
  return buildIdentityVerifier<CryptoKey>(opts, {
    importPublicKey,
    verifySignature: (key, signature, signingInput) =>
      crypto.subtle.verify(ED25519, key, signature, encoder.encode(signingInput)),
    bindingHash: bindingHashSync,
  });
}
