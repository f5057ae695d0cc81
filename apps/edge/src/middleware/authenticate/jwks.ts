import type { JwtIssuerConfig } from "@gateway/types";
import type { JWTVerifyGetKey } from "jose";
import { createJwksCache, type JwksCacheOptions } from "./jwks-cache.ts";

/** Resolves the verification key of a token for one issuer. */
export type IssuerKeySource = (issuer: JwtIssuerConfig) => JWTVerifyGetKey;

/**
 * Each issuer's JWKS, fetched from its jwksUrl and cached in memory for the
 * isolate's life (see jwks-cache.ts for the refetch rules).
 */
export function remoteJwks(options: JwksCacheOptions = {}): IssuerKeySource {
  return (issuer) => createJwksCache(issuer, options);
}
