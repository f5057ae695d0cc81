import type { JwtIssuerConfig } from "@gateway/types";
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";

/** Resolves the verification key of a token for one issuer. */
export type IssuerKeySource = (issuer: JwtIssuerConfig) => JWTVerifyGetKey;

/**
 * jose's remote JWKS: keys are cached in memory (for the isolate's life) for
 * jwksCacheSeconds, and an unknown `kid` refetches at most once per
 * jwksMinRefetchSeconds; concurrent misses share one fetch.
 */
export function remoteJwks(): IssuerKeySource {
  return (issuer) =>
    createRemoteJWKSet(new URL(issuer.jwksUrl), {
      cacheMaxAge: issuer.jwksCacheSeconds * 1000,
      cooldownDuration: issuer.jwksMinRefetchSeconds * 1000,
      timeoutDuration: 5000,
    });
}
