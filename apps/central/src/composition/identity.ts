import type { IdentitySigner, IdentityVerifier } from "@gateway/identity";
import { createNodeIdentitySigner } from "@gateway/identity/node";
import type { CentralConfig } from "@gateway/types";
import { createEdgeTokenVerifier } from "../identity/edge-token-verifier.ts";
import { createServiceTokenSigner } from "../identity/service-token-signer.ts";
import type { CentralKeys } from "./index.ts";

/**
 * The verifier for the edge's identity token (audience "central", issuer "edge"): HS256 or
 * EdDSA per `identity.hop.algorithm`, on node:crypto (see src/identity/). No replay store: the
 * replay check runs after routing, with the rate limit (see src/replay/).
 */
export function buildEdgeTokenVerifier(config: CentralConfig, keys: CentralKeys): Promise<IdentityVerifier> {
  return createEdgeTokenVerifier(config.identity, {
    ...(keys.edgeCentralKeys === undefined ? {} : { secretKeys: keys.edgeCentralKeys }),
    ...(keys.edgePublicKeys === undefined ? {} : { publicKeys: keys.edgePublicKeys }),
  });
}

/**
 * Signs central's identity token for services (issuer "central"): Ed25519 on node:crypto,
 * one token per identity reused on routes with `serviceToken: reuse`.
 */
export async function buildServiceSigner(config: CentralConfig, keys: CentralKeys): Promise<IdentitySigner> {
  const signer = await createNodeIdentitySigner({
    privateJwk: keys.centralPrivateJwk,
    issuer: "central",
    ttlSeconds: config.identity.ttlSeconds,
  });
  return createServiceTokenSigner(config.routes, signer);
}

/** What /.well-known/gateway-jwks.json serves: the signing key's public half first, then CENTRAL_IDENTITY_PUBLIC_JWKS. */
export function publishedServiceKeys(keys: CentralKeys): JsonWebKey[] {
  const { d: _private, ...signingPublic } = keys.centralPrivateJwk;
  const extra = (keys.publishedKeys?.keys ?? []).filter(
    (jwk) => (jwk as { kid?: string }).kid !== keys.centralPrivateJwk.kid,
  );
  return [signingPublic, ...extra];
}
