import { centralContract, configHash, contractHash } from "@gateway/config/node";
import type { GrpcSchema } from "@gateway/grpc-schema";
import type { CentralConfig } from "@gateway/types";
import type { Express, RequestHandler } from "express";
import type { Logger } from "pino";
import { createApp } from "../app.ts";
import { type Consumers, type ConsumersEnv, createConsumers } from "../consumers/index.ts";
import type { GatewayMetrics } from "../metrics/index.ts";
import { createProxy, type UpstreamAgentOptions } from "../proxy/index.ts";
import type { CentralRedis } from "../redis/index.ts";
import { createReplayProtection } from "../replay/index.ts";
import { createW3cTracer, type Tracer } from "../tracing/index.ts";
import { createTransforms } from "../transform/index.ts";
import { createVariantRouting } from "../upstream/variants/index.ts";
import { createWebSocketRelay, type UpgradeListener } from "../websocket/index.ts";
import { buildEdgeTokenVerifier, buildServiceSigner, publishedServiceKeys } from "./identity.ts";
import { buildRateLimit } from "./rate-limit.ts";
import { redisReadiness } from "./readiness.ts";
import { type CentralRegistry, type Clock, closeRegistry, createRegistry } from "./registry.ts";

export type { CentralRegistry, Clock } from "./registry.ts";

/** Key material from the environment; which edge keys are required follows identity.hop.algorithm. */
export interface CentralKeys {
  /** EDGE_CENTRAL_KEYS: HS256 keys shared with the edge (the default hop). */
  edgeCentralKeys?: { keys: JsonWebKey[] };
  /** EDGE_IDENTITY_PUBLIC_JWKS: the edge's public identity keys (identity.hop.algorithm EdDSA). */
  edgePublicKeys?: { keys: JsonWebKey[] };
  /** CENTRAL_IDENTITY_PRIVATE_JWK: central's signing key for services. */
  centralPrivateJwk: JsonWebKey & { kid: string };
  /** CENTRAL_IDENTITY_PUBLIC_JWKS: more public keys to publish at /.well-known/gateway-jwks.json. */
  publishedKeys?: { keys: JsonWebKey[] };
}

/** What the environment decides beyond the config file. */
export interface CentralSettings extends CentralKeys {
  /** Keep-alive agent sizing per upstream origin. */
  agentOptions?: UpstreamAgentOptions;
  /** The gRPC routes' loaded protos by route name (`loadRouteSchemas`); loaded here when absent. */
  grpcSchemas?: ReadonlyMap<string, GrpcSchema>;
  /** Consumers and API keys (API_KEY_PEPPER, CENTRAL_ADMIN_*); absent = no API keys. */
  consumers?: ConsumersEnv;
  /** REDIS_TIMEOUT_MS: a request's wait on Redis before fail modes apply (default 250). */
  redisTimeoutMs?: number;
}

/** Clients the caller owns: the composition uses them, `close()` leaves them open. */
export interface CentralClients {
  logger: Logger;
  /** Shared Redis; without it rate limits and replay protection are in process (one replica only). */
  redis?: CentralRedis;
  /** Default Date.now. */
  clock?: Clock;
  /** One per process (prom-client registry), served by its own listener; put on the registry. */
  metrics?: GatewayMetrics;
  /** W3C trace propagation, and span export when OTEL_* is set (src/tracing/); default propagation only. */
  tracer?: Tracer;
  /** Randomness for retry jitter and load balancing; default Math.random. */
  random?: () => number;
  /**
   * Consumers and API keys built by the caller, kept across config reloads (src/lifecycle/);
   * used instead of building them from `settings.consumers`, and not closed by `close()`.
   */
  consumers?: Consumers;
  /** The process lifecycle (src/lifecycle/): draining makes /readyz 503; its details join /readyz?verbose `config`. */
  lifecycle?: CentralLifecycleView;
}

export interface CentralLifecycleView {
  /** A reason while /readyz must answer 503 (shutdown under way). */
  notReadyReason(): string | undefined;
  /** Extra fields of the `config` section of /readyz?verbose (reload counts). */
  details(): Record<string, unknown>;
}

export interface CompositionOverrides {
  /** Tests only: this handler takes the rate-limit slot instead of the configured rate limit. */
  rateLimit?: RequestHandler;
}

export interface ComposedCentral {
  app: Express;
  /** The admin API (consumers and keys), to serve on its own listener; absent without CENTRAL_ADMIN_TOKEN. */
  admin?: Express;
  registry: CentralRegistry;
  /** sha256 (short) of the compiled config: /readyz?verbose `config.hash`, `gateway_config_info`. */
  configHash: string;
  /** Hash of what the edge must agree on (packages/config contract): `./gw check --edge … --central …`. */
  contractHash: string;
  /**
   * When a route relays WebSockets: the server's `upgrade` listener (createServer's
   * `websocketUpgrade`), and `close` to end every relayed connection with 1001 before the
   * server stops (open WebSockets would otherwise hold server.close() until they end).
   */
  websocket?: { upgrade: UpgradeListener; close(): void };
  /** Releases what the app holds (pooled upstream sockets). Does not touch the injected clients. */
  close(): void;
}

/**
 * The one place that turns (compiled config, env settings, clients) into the
 * running central: every capability is built here exactly once and handed the
 * shared pieces it needs; `createApp` only puts them in request order.
 */
export async function composeCentral(
  config: CentralConfig,
  settings: CentralSettings,
  clients: CentralClients,
  overrides: CompositionOverrides = {},
): Promise<ComposedCentral> {
  const { logger, redis } = clients;
  const registry = createRegistry(clients.clock ?? (() => Date.now()), clients.metrics);
  const clock = clients.clock === undefined ? {} : { now: clients.clock };
  if (redis !== undefined) registry.readiness.push(redisReadiness(config, redis));

  const metrics = registry.metrics;
  const redisTimeout = settings.redisTimeoutMs === undefined ? {} : { timeoutMs: settings.redisTimeoutMs };
  const replay = createReplayProtection(config.identity, {
    logger,
    ...redisTimeout,
    ...(metrics === undefined ? {} : { onReplayed: () => metrics.identityFailure("replayed") }),
    ...(redis === undefined ? {} : { redis }),
    ...clock,
  });
  const [verifier, signer] = await Promise.all([
    buildEdgeTokenVerifier(config, settings),
    buildServiceSigner(config, settings),
  ]);
  const consumers =
    clients.consumers ??
    (settings.consumers === undefined
      ? undefined
      : createConsumers({
          env: settings.consumers,
          logger,
          policyNames: config.rateLimits.policies.map((policy) => policy.name),
          ...(redis === undefined ? {} : { redis }),
        }));
  if (consumers !== undefined && clients.consumers === undefined) {
    registry.closers.push(() => void consumers.close());
  }
  const rateLimit =
    overrides.rateLimit ??
    buildRateLimit(config, {
      logger,
      ...redisTimeout,
      ...(redis === undefined ? {} : { redis }),
      ...(replay === undefined ? {} : { replay }),
      ...(clients.clock === undefined ? {} : { clock: clients.clock }),
      ...(consumers === undefined ? {} : { consumerPolicies: consumers.consumerPolicies }),
      ...(metrics === undefined ? {} : { onDecision: metrics.rateLimit }),
    });
  // Routes with `grpc` are transcoded (one channel per address); the proxy gets the others.
  // grpc-js and protobufjs are only loaded when a route needs them (start-up time).
  const grpc = config.routes.some((route) => route.grpc !== undefined)
    ? (await import("../grpc/index.ts")).createGrpcTranscoder(config.routes, {
        signer,
        logger,
        ...(settings.grpcSchemas === undefined ? {} : { schemas: settings.grpcSchemas }),
        ...(clients.clock === undefined ? {} : { now: clients.clock }),
        ...(clients.random === undefined ? {} : { random: clients.random }),
        ...(metrics === undefined ? {} : { onBreakerChange: metrics.breaker, onAttempt: metrics.upstream }),
      })
    : undefined;
  if (grpc !== undefined) registry.closers.push(() => grpc.close());
  const proxy = createProxy(
    config.routes.filter((route) => route.grpc === undefined),
    {
      signer,
      logger,
      ...(settings.agentOptions === undefined ? {} : { agentOptions: settings.agentOptions }),
      ...(clients.clock === undefined ? {} : { now: clients.clock }),
      ...(clients.random === undefined ? {} : { random: clients.random }),
      ...(metrics === undefined ? {} : { onBreakerChange: metrics.breaker, onAttempt: metrics.upstream }),
    },
  );
  registry.closers.push(() => proxy.close());
  const variants = createVariantRouting(
    config.routes,
    clients.random === undefined ? {} : { random: clients.random },
  );
  const transform = createTransforms(config.routes);
  const websocket = config.routes.some((route) => route.websocket?.enabled === true)
    ? createWebSocketRelay(config.routes, { signer, logger, poolOf: proxy.pool })
    : undefined;
  if (websocket !== undefined) registry.closers.push(() => websocket.close());

  const hash = configHash(config);
  const contract = contractHash(centralContract(config));
  const loadedAt = new Date(registry.clock()).toISOString();
  const { lifecycle } = clients;
  const app = createApp(config, {
    logger,
    verifier,
    rateLimit,
    ...(grpc === undefined ? {} : { grpc: grpc.handler }),
    proxy: proxy.handler,
    ...(variants === undefined ? {} : { variants }),
    ...(transform === undefined ? {} : { transform }),
    readinessChecks: registry.readiness,
    publishedKeys: publishedServiceKeys(settings),
    readinessDetails: {
      upstreams: () => ({ ...proxy.snapshot(), ...grpc?.snapshot() }),
      config: () => ({ hash, contract, loadedAt, ...lifecycle?.details() }),
      ...(websocket === undefined ? {} : { websockets: () => websocket.connections() }),
    },
    ...(lifecycle === undefined ? {} : { notReadyReason: () => lifecycle.notReadyReason() }),
    ...(replay === undefined ? {} : { replay }),
    ...(consumers === undefined ? {} : { keyVerification: consumers.verifyEndpoint }),
    ...(metrics === undefined ? {} : { metrics }),
    tracer: clients.tracer ?? createW3cTracer(),
    ...(websocket === undefined ? {} : { websocket }),
  });
  return {
    app,
    ...(consumers?.adminApi === undefined ? {} : { admin: consumers.adminApi }),
    registry,
    configHash: hash,
    contractHash: contract,
    ...(websocket === undefined
      ? {}
      : { websocket: { upgrade: websocket.listener(app), close: websocket.close } }),
    close: () => closeRegistry(registry),
  };
}
