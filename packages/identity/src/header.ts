import { encodeBase64UrlText } from "./base64url.ts";

export const IDENTITY_TOKEN_TYPE = "gateway-identity+jwt";
/** Central → service, and the edge → central hop when `identity.hop.algorithm: EdDSA`. */
export const IDENTITY_TOKEN_ALG = "EdDSA";
/** The edge → central hop by default: HMAC-SHA256 with secrets only the two tiers hold. */
export const HOP_TOKEN_ALG = "HS256";

/** The JWS algorithms an identity token may use; each verifier pins exactly one. */
export type IdentityTokenAlgorithm = typeof IDENTITY_TOKEN_ALG | typeof HOP_TOKEN_ALG;

/** The exact header segment this package's signer emits for `kid`; the verifier's fast path compares against it. */
export function encodedHeaderFor(kid: string, alg: IdentityTokenAlgorithm = IDENTITY_TOKEN_ALG): string {
  return encodeBase64UrlText(JSON.stringify({ alg, typ: IDENTITY_TOKEN_TYPE, kid }));
}
