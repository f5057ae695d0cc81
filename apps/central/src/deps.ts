import { createMemoryReplayStore } from "@gateway/identity";
import { createNodeIdentitySigner, createNodeIdentityVerifier } from "@gateway/identity/node";
import type { CentralConfig } from "@gateway/types";
import type { RequestHandler } from "express";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { CentralDeps } from "./app.ts";
import type { ReadinessCheck } from "./plugins/health/index.ts";
import { withReplayFailMode } from "./redis/replay-fail-mode.ts";
import { createRedisReplayStore } from "./redis/replay-store.ts";

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
}

/** Identity verification for edge tokens, signing for services, readiness checks. */
export async function buildCentralDeps(input: CentralDepsInput): Promise<CentralDeps> {
  const { config, redis } = input;
  const replayStore = !config.identity.replayProtection
    ? undefined
    : redis !== undefined
      ? withReplayFailMode(createRedisReplayStore(redis), {
          failMode: config.identity.replayFailMode,
          logger: input.logger,
        })
      : createMemoryReplayStore();
  // node:crypto implementations: synchronous Ed25519 on cached KeyObjects (see docs/performance.md).
  const verifier = await createNodeIdentityVerifier({
    publicKeys: input.edgePublicKeys,
    audience: "central",
    issuers: ["edge"],
    clockSkewSeconds: config.identity.clockSkewSeconds,
    maxTtlSeconds: Math.max(config.identity.ttlSeconds, 1),
    ...(replayStore === undefined ? {} : { replayStore }),
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
    ...(input.rateLimit === undefined ? {} : { rateLimit: input.rateLimit }),
  };
}
