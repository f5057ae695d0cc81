import type { Identity } from "@gateway/types";
import { decodeBase64Url, encodeBase64Url, encodeBase64UrlText } from "../src/base64url.ts";
import type { IdentityKeyPair, IdentityVerifierOptions } from "../src/index.ts";

export const ALICE: Identity = {
  sub: "user-alice",
  roles: ["admin", "reader"],
  scopes: ["users:read", "users:write"],
  auth: "jwt",
  tenant: "acme",
};

export const T0_MS = Date.UTC(2025, 10, 1, 12, 0, 0);

export function fixedClock(ms: number): () => number {
  return () => ms;
}

export function verifierOptionsFor(
  keys: IdentityKeyPair[],
  overrides: Partial<IdentityVerifierOptions> = {},
): IdentityVerifierOptions {
  return {
    publicKeys: { keys: keys.map((pair) => pair.publicJwk) },
    audience: "central",
    issuers: ["edge"],
    clockSkewSeconds: 5,
    now: fixedClock(T0_MS),
    ...overrides,
  };
}

export function splitToken(token: string): [string, string, string] {
  const parts = token.split(".");
  if (parts.length !== 3) throw new Error(`not a compact JWS: ${token}`);
  return parts as [string, string, string];
}

export function decodeSegment(segment: string): unknown {
  const bytes = decodeBase64Url(segment);
  if (bytes === null) throw new Error(`not base64url: ${segment}`);
  return JSON.parse(new TextDecoder().decode(bytes));
}

export type Signing =
  | { kind: "ed25519"; privateJwk: JsonWebKey }
  | { kind: "hs256"; secret: Uint8Array<ArrayBuffer> }
  | { kind: "none" };

/** Builds a compact JWS from arbitrary parts, the way an attacker (or a buggy signer) would. */
export async function craftToken(
  header: Record<string, unknown>,
  payload: unknown,
  signing: Signing,
  encodePayload: (json: string) => string = encodeBase64UrlText,
): Promise<string> {
  const signingInput = `${encodeBase64UrlText(JSON.stringify(header))}.${encodePayload(JSON.stringify(payload))}`;
  const data = new TextEncoder().encode(signingInput);
  if (signing.kind === "none") return `${signingInput}.`;
  if (signing.kind === "hs256") {
    const key = await crypto.subtle.importKey(
      "raw",
      signing.secret,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    return `${signingInput}.${encodeBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, data)))}`;
  }
  const { kty, crv, x, d } = signing.privateJwk;
  const key = await crypto.subtle.importKey("jwk", { kty, crv, x, d }, { name: "Ed25519" }, false, ["sign"]);
  return `${signingInput}.${encodeBase64Url(new Uint8Array(await crypto.subtle.sign("Ed25519", key, data)))}`;
}
