import { encodeBase64UrlText } from "./base64url.ts";

export const IDENTITY_TOKEN_TYPE = "gateway-identity+jwt";
export const IDENTITY_TOKEN_ALG = "EdDSA";

/** The exact header segment this package's signer emits for `kid`; the verifier's fast path compares against it. */
export function encodedHeaderFor(kid: string): string {
  return encodeBase64UrlText(JSON.stringify({ alg: IDENTITY_TOKEN_ALG, typ: IDENTITY_TOKEN_TYPE, kid }));
}
