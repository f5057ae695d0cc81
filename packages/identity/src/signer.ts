import { encodeBase64Url, encodeBase64UrlText, randomBase64Url } from "./base64url.ts";
import { bindingHashSync } from "./binding.ts";
import { ED25519, importPrivateKey } from "./keys.ts";
import { buildIdentitySigner, type IdentitySigner, type IdentitySignerOptions } from "./signer-core.ts";

export type { IdentitySigner, IdentitySignerOptions, SignInput } from "./signer-core.ts";

const encoder = new TextEncoder();

/** WebCrypto signer: runs in workerd and Node. On Node, `createNodeIdentitySigner` is faster. */
export function createIdentitySigner(opts: IdentitySignerOptions): Promise<IdentitySigner> {
  return buildIdentitySigner<CryptoKey>(opts, {
    importPrivateKey,
    signBase64Url: async (key, signingInput) =>
      encodeBase64Url(new Uint8Array(await crypto.subtle.sign(ED25519, key, encoder.encode(signingInput)))),
    bindingHash: bindingHashSync,
    encodeText: encodeBase64UrlText,
    randomJti: () => randomBase64Url(16),
  });
}
