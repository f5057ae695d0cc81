import type { IdentitySigner, IdentityVerifier } from "@gateway/identity";
import { createNodeIdentitySigner, createNodeIdentityVerifier } from "@gateway/identity/node";
import type { CentralConfig } from "@gateway/types";
import type { CentralKeys } from "./index.ts";

/**
 * The verifier for the edge's identity token (audience "central", issuer
 * "edge"). node:crypto: synchronous Ed25519 on cached KeyObjects (see
 * docs/performance.md). No replay store: the replay check runs after routing,
 * with the rate limit (see src/replay/).
 */
export function buildEdgeTokenVerifier(config: CentralConfig, keys: CentralKeys): Promise<IdentityVerifier> {
  return createNodeIdentityVerifier({
    publicKeys: keys.edgePublicKeys,
    audience: "central",
    issuers: ["edge"],
    clockSkewSeconds: config.identity.clockSkewSeconds,
    maxTtlSeconds: Math.max(config.identity.ttlSeconds, 1),
  });
}

/** Signs central's identity token for services (issuer "central"). */
export function buildServiceSigner(config: CentralConfig, keys: CentralKeys): Promise<IdentitySigner> {
  return createNodeIdentitySigner({
    privateJwk: keys.centralPrivateJwk,
    issuer: "central",
    ttlSeconds: config.identity.ttlSeconds,
  });
}
