import { importJWK, type JWTPayload, SignJWT } from "jose";
import { inject } from "vitest";
import type { IssuerKeyName } from "../shared/provided-context.ts";

export const PRIMARY_ISSUER = "https://issuer.test/primary";
export const RSA_ISSUER = "https://issuer.test/rsa";
export const AUDIENCE = "gateway-api";

export interface TokenOptions {
  key?: IssuerKeyName;
  claims?: JWTPayload;
  /** Extra protected-header parameters (e.g. jku); alg and kid come from the key. */
  header?: Record<string, unknown>;
  /** Overrides the key's kid in the header (e.g. a random one). */
  kid?: string;
  expiresInSeconds?: number;
}

/** A JWT signed with one of the issuer keys from globalSetup; defaults: es256, primary issuer, valid 5 min. */
export async function signToken(options: TokenOptions = {}): Promise<string> {
  const jwk = inject("servers").issuerKeys[options.key ?? "es256"];
  const key = await importJWK(jwk, jwk.alg);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: jwk.alg === "RS256" && options.key === "rs256" ? RSA_ISSUER : PRIMARY_ISSUER,
    aud: AUDIENCE,
    sub: "user-1",
    iat: now,
    exp: now + (options.expiresInSeconds ?? 300),
    ...options.claims,
  })
    .setProtectedHeader({ ...options.header, alg: jwk.alg, kid: options.kid ?? jwk.kid })
    .sign(key);
}

const encoder = new TextEncoder();

function base64url(text: string): string {
  let binary = "";
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** An unsecured JWT (alg "none") with otherwise valid claims. */
export function unsecuredToken(): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: PRIMARY_ISSUER, aud: AUDIENCE, sub: "user-1", iat: now, exp: now + 300 };
  return `${base64url(JSON.stringify({ alg: "none" }))}.${base64url(JSON.stringify(payload))}.`;
}

/** An HS256 token "signed" with the issuer's public key material, the classic key-confusion attack. */
export async function hs256Token(): Promise<string> {
  const jwk = inject("servers").issuerKeys.es256;
  const secret = encoder.encode(JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }));
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: PRIMARY_ISSUER, aud: AUDIENCE, sub: "user-1", iat: now, exp: now + 300 })
    .setProtectedHeader({ alg: "HS256", kid: jwk.kid })
    .sign(secret);
}
