import { createNodeIdentitySigner, createNodeIdentityVerifier } from "@gateway/identity/node";
import type { CentralConfig } from "@gateway/types";
import type { RequestHandler } from "express";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { CentralDeps } from "./app.ts";
import type { ReadinessCheck } from "./plugins/health/index.ts";
import { createReplayProtection, type ReplayProtection } from "./plugins/replay-check/index.ts";

export interface CentralDepsInput {
  config: CentralConfig;
  logger: Logger;
  /** The edge's public identity keys (EDGE_IDENTITY_PUBLIC_JWKS). */
  edgePublicKeys: { keys: JsonWebKey[] };
  /** Central's signing key for services (CENTRAL_IDENTITY_PRIVATE_JWK). */
  centralPrivateJwk: JsonWebKey & { kid: string };
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
  // node:crypto implementations: synchronous Ed25519 on cached KeyObjects (see docs/performance.md).
  // No replay store: the replay check runs after routing, with the rate limit (see app.ts).
  const verifier = await createNodeIdentityVerifier({
    publicKeys: input.edgePublicKeys,
    audience: "central",
    issuers: ["edge"],
    clockSkewSeconds: config.identity.clockSkewSeconds,
    maxTtlSeconds: Math.max(config.identity.ttlSeconds, 1),
  });
  const signer = await createNodeIdentitySigner({
    privateJwk: input.centralPrivateJwk,
    issuer: "central",
    ttlSeconds: config.identity.ttlSeconds,
  });
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
    readinessChecks,
    ...(replay === undefined ? {} : { replay }),
    ...(input.rateLimit === undefined ? {} : { rateLimit: input.rateLimit }),
  };
}
