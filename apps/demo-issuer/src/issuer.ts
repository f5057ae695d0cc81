import { randomUUID } from "node:crypto";
import { type JWK, SignJWT } from "jose";
import { type IssuerKeys, SIGNING_ALG } from "./key-file.ts";
import { DEFAULT_TTL_SECONDS, type TokenRequest } from "./token-request.ts";

export interface IssuerOptions {
  /** `iss` of every token. */
  issuer: string;
  /** Default `aud`; a token request may override it. */
  audience: string | string[];
  keys: IssuerKeys;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
}

export interface Issuer {
  readonly issuer: string;
  jwks(): { keys: JWK[] };
  mint(request: TokenRequest): Promise<TokenResponse>;
}

/**
 * Claims follow common IdP conventions: `roles` is an array, `scope` is the
 * OAuth space-separated string, `tenant` only when given.
 */
export function createIssuer(options: IssuerOptions): Issuer {
  const now = options.now ?? Date.now;
  const { signing, publicJwks } = options.keys;
  return {
    issuer: options.issuer,
    jwks: () => ({ keys: publicJwks.map((jwk) => ({ ...jwk })) }),
    async mint(request) {
      const ttl = request.ttlSeconds ?? DEFAULT_TTL_SECONDS;
      const issuedAt = Math.floor(now() / 1000);
      const claims: Record<string, unknown> = {
        roles: request.roles ?? [],
        scope: (request.scopes ?? []).join(" "),
      };
      if (request.tenant !== undefined) claims.tenant = request.tenant;
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: SIGNING_ALG, typ: "JWT", kid: signing.kid })
        .setIssuer(options.issuer)
        .setAudience(request.audience ?? options.audience)
        .setSubject(request.sub)
        .setIssuedAt(issuedAt)
        .setNotBefore(issuedAt)
        .setExpirationTime(issuedAt + ttl)
        .setJti(randomUUID())
        .sign(signing.privateKey);
      return { access_token: token, token_type: "Bearer", expires_in: ttl };
    },
  };
}
