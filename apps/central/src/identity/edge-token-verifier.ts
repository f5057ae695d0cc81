import type { IdentityVerifier } from "@gateway/identity";
import { createNodeHmacIdentityVerifier, createNodeIdentityVerifier } from "@gateway/identity/node";
import type { IdentityConfig } from "@gateway/types";

/** The edge → central keys, as read from the environment; which one is needed follows `identity.hop.algorithm`. */
export interface EdgeHopKeys {
  /** EDGE_CENTRAL_KEYS: HS256 `oct` keys shared with the edge (all verify). */
  secretKeys?: { keys: JsonWebKey[] };
  /** EDGE_IDENTITY_PUBLIC_JWKS: the edge's Ed25519 public keys. */
  publicKeys?: { keys: JsonWebKey[] };
}

/** Thrown when the keys the configured algorithm needs are not in the environment. */
export class MissingHopKeysError extends Error {
  override name = "MissingHopKeysError";
}

/**
 * Central's verifier for the edge's token (audience "central", issuer "edge"), on node:crypto:
 * HS256 costs one HMAC, EdDSA one Ed25519 verify (see docs/performance.md). No replay store:
 * the replay check runs after routing, with the rate limit (see app.ts).
 */
export function createEdgeTokenVerifier(
  identity: IdentityConfig,
  keys: EdgeHopKeys,
): Promise<IdentityVerifier> {
  const rules = {
    audience: "central",
    issuers: ["edge"],
    clockSkewSeconds: identity.clockSkewSeconds,
    maxTtlSeconds: Math.max(identity.ttlSeconds, 1),
  };
  if (identity.hop.algorithm === "HS256") {
    if (keys.secretKeys === undefined) {
      throw new MissingHopKeysError(
        "EDGE_CENTRAL_KEYS is not set: identity.hop.algorithm is HS256, so central needs the JWK set of oct keys it shares with the edge",
      );
    }
    return createNodeHmacIdentityVerifier({ ...rules, secretKeys: keys.secretKeys });
  }
  if (keys.publicKeys === undefined) {
    throw new MissingHopKeysError(
      "EDGE_IDENTITY_PUBLIC_JWKS is not set: identity.hop.algorithm is EdDSA, so central needs the edge's public keys",
    );
  }
  return createNodeIdentityVerifier({ ...rules, publicKeys: keys.publicKeys });
}
