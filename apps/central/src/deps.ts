import { createNodeIdentitySigner } from "@gateway/identity/node";
import type { CentralConfig } from "@gateway/types";
import type { RequestHandler } from "express";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { CentralDeps } from "./app.ts";
import { createEdgeTokenVerifier } from "./identity/edge-token-verifier.ts";
import { createServiceTokenSigner } from "./identity/service-token-signer.ts";
import type { ReadinessCheck } from "./plugins/health/index.ts";
import { createReplayProtection, type ReplayProtection } from "./plugins/replay-check/index.ts";

export interface CentralDepsInput {
  config: CentralConfig;
  logger: Logger;
  /** HS256 keys shared with the edge (EDGE_CENTRAL_KEYS); needed when identity.hop.algorithm is HS256. */
  edgeCentralKeys?: { keys: JsonWebKey[] };
  /** The edge's public identity keys (EDGE_IDENTITY_PUBLIC_JWKS); needed when identity.hop.algorithm is EdDSA. */
  edgePublicKeys?: { keys: JsonWebKey[] };
  /** Central's signing key for services (CENTRAL_IDENTITY_PRIVATE_JWK). */
  centralPrivateJwk: JsonWebKey & { kid: string };
  /** More public keys served at /.well-known/gateway-jwks.json (CENTRAL_IDENTITY_PUBLIC_JWKS). */
  publishedKeys?: { keys: JsonWebKey[] };
  /** Shared Redis; without it the replay store is in-process (one replica only). */
  redis?: Redis;
  rateLimit?: RequestHandler;
  /** The replay protection `rateLimit` was built with; default: built here from the config. */
  replay?: ReplayProtection;
}

/** Identity verification for edge tokens, replay protection, signing for services, readiness checks. */
export async function buildCentralDeps(input: CentralDepsInput): Promise<CentralDeps> {
  const { config, redis } = input;
  const replay =
    input.replay ??
    createReplayProtection(config.identity, {
      logger: input.logger,
      ...(redis === undefined ? {} : { redis }),
    });
  const verifier = await createEdgeTokenVerifier(config.identity, {
    ...(input.edgeCentralKeys === undefined ? {} : { secretKeys: input.edgeCentralKeys }),
    ...(input.edgePublicKeys === undefined ? {} : { publicKeys: input.edgePublicKeys }),
  });
  // node:crypto: synchronous Ed25519 on a cached KeyObject (see docs/performance.md).
  const serviceSigner = await createNodeIdentitySigner({
    privateJwk: input.centralPrivateJwk,
    issuer: "central",
    ttlSeconds: config.identity.ttlSeconds,
  });
  const signer = createServiceTokenSigner(config.routes, serviceSigner);
  const { d: _private, ...centralPublicJwk } = input.centralPrivateJwk;
  const publishedKeys = [
    centralPublicJwk,
    ...(input.publishedKeys?.keys ?? []).filter(
      (jwk) => (jwk as { kid?: string }).kid !== centralPublicJwk.kid,
    ),
  ];
  const readinessChecks: ReadinessCheck[] = [];
  if (redis !== undefined) {
    const failsClosedWithoutRedis =
      (config.identity.replayProtection && config.identity.replayFailMode === "closed") ||
      config.rateLimits.policies.some((policy) => policy.failMode === "closed");
    readinessChecks.push({
      name: "redis",
      critical: failsClosedWithoutRedis,
      check: async () => {
        await redis.ping();
      },
    });
  }
  return {
    logger: input.logger,
    verifier,
    signer,
    publishedKeys,
    readinessChecks,
    ...(replay === undefined ? {} : { replay }),
    ...(input.rateLimit === undefined ? {} : { rateLimit: input.rateLimit }),
  };
}
