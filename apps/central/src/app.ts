import type { IdentityVerifier } from "@gateway/identity";
import type { CentralConfig } from "@gateway/types";
import express, { type RequestHandler } from "express";
import type { Logger } from "pino";
import { createErrorHandler } from "./errors.ts";
import type { GatewayMetrics } from "./metrics/index.ts";
import { composeSteps } from "./pipeline/compose.ts";
import { createBodyLimit } from "./plugins/body-limit/index.ts";
import { createEdgeCacheStatus } from "./plugins/edge-cache-status/index.ts";
import { createGatewayJwksEndpoint } from "./plugins/gateway-jwks/index.ts";
import { createHealthEndpoints, type ReadinessCheck, type ReadinessDetails } from "./plugins/health/index.ts";
import { createIdentityVerification } from "./plugins/identity/index.ts";
import { createRequestContext } from "./plugins/request-context/index.ts";
import { createRequestGuard } from "./plugins/request-guard/index.ts";
import { createRequestLog } from "./plugins/request-log/index.ts";
import { createRouting } from "./plugins/routing/index.ts";
import { createSecurityHeaders } from "./plugins/security-headers/index.ts";
import { createTrustedHeaders } from "./plugins/trusted-headers/index.ts";
import { createReplayCheck, type ReplayProtection } from "./replay/index.ts";
import { createW3cTracer, type Tracer } from "./tracing/index.ts";

export { createServer, createTlsServer } from "./server/index.ts";

/** The capabilities on central's request path, each built once by the composition root (src/composition/). */
export interface CentralPipeline {
  logger: Logger;
  /** Verifies the edge's identity token (audience "central", issuer "edge"), without a replay store. */
  verifier: IdentityVerifier;
  /**
   * Replay protection: identity hands a PendingReplay on; the rate limit (one
   * Redis script) or else the replay check settles it.
   */
  replay?: ReplayProtection;
  /** Central's public keys, served at /.well-known/gateway-jwks.json for services' verifiers. */
  publishedKeys?: JsonWebKey[];
  /** Precise rate limiting; runs after identity + routing, before the replay check, the body limit and proxy. */
  rateLimit?: RequestHandler;
  /** Transcodes requests on routes with `grpc` (REST → gRPC, see docs/grpc.md); passes the others on. */
  grpc?: RequestHandler;
  /** Split routes: picks the variant (upstream group) and tells the service (`x-gateway-variant`). */
  variants?: RequestHandler;
  /** Per-route request/response transforms (headers, query, JSON envelope). */
  transform?: RequestHandler;
  /** Sends the request to the route's upstream and relays the answer. */
  proxy: RequestHandler;
  /** /readyz passes only when all of these resolve (e.g. Redis PING). */
  readinessChecks: ReadinessCheck[];
  /** The edge's API key verification endpoint (consumers/), answered right after identity verification. */
  keyVerification?: RequestHandler;
  /** WebSocket pass-through (src/websocket/): its gate runs after routing, its relay after the rate limit. */
  websocket?: { gate: RequestHandler; relay: RequestHandler };
  /** Sections of /readyz?verbose (e.g. `upstreams`: breakers, ejections, bulkheads). */
  readinessDetails?: ReadinessDetails;
  /** Records requests, identity failures and the edge's cache outcomes (src/metrics/). */
  metrics?: GatewayMetrics;
  /** Continues (or starts) each request's W3C trace; spans are exported when OTEL_* is set. */
  tracer?: Tracer;
  /** A reason while /readyz must answer 503 whatever the checks say (draining before exit). */
  notReadyReason?: () => string | undefined;
}

/**
 * The request path at central, cheapest rejections first:
 * security headers → context → guard → health → identity → trusted headers → routing → rate limit
 * → replay check → body limit → variant choice (split routes) → transforms → gRPC transcoder (gRPC routes) | proxy. With replay protection on, identity verifies everything
 * but the replay; the rate limit (one Redis script) or else the replay check settles that, so a
 * request costs one Redis round trip and a replayed token consumes no quota.
 * The steps run as one composed handler (pipeline/compose.ts), not one router layer each.
 */
export function createApp(config: CentralConfig, parts: CentralPipeline): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("query parser", false);

  const steps: RequestHandler[] = [];
  steps.push(createSecurityHeaders());
  steps.push(createRequestContext(parts.tracer ?? createW3cTracer()));
  steps.push(
    createRequestLog({
      logger: parts.logger,
      ...(parts.metrics === undefined ? {} : { metrics: parts.metrics }),
    }),
  );
  steps.push(createRequestGuard(config.limits));
  steps.push(createHealthEndpoints(parts.readinessChecks, parts.readinessDetails, parts.notReadyReason));
  if (parts.publishedKeys !== undefined) steps.push(createGatewayJwksEndpoint(parts.publishedKeys));
  steps.push(
    createIdentityVerification({
      verifier: parts.verifier,
      logger: parts.logger,
      ...(parts.replay === undefined ? {} : { replay: parts.replay }),
      ...(parts.metrics === undefined
        ? {}
        : { onFailure: (reason: string) => parts.metrics?.identityFailure(reason) }),
    }),
  );
  // After identity (only the verified edge's word counts), before trusted headers strip it.
  steps.push(createEdgeCacheStatus(parts.metrics));
  if (parts.keyVerification !== undefined) steps.push(parts.keyVerification);
  steps.push(createTrustedHeaders(config.identity.stripHeaders));
  steps.push(createRouting(config.routes));
  if (parts.websocket !== undefined) steps.push(parts.websocket.gate);
  if (parts.rateLimit !== undefined) steps.push(parts.rateLimit);
  if (parts.replay !== undefined) steps.push(createReplayCheck(parts.replay));
  if (parts.websocket !== undefined) steps.push(parts.websocket.relay);
  steps.push(createBodyLimit());
  if (parts.variants !== undefined) steps.push(parts.variants);
  if (parts.transform !== undefined) steps.push(parts.transform);
  if (parts.grpc !== undefined) steps.push(parts.grpc);
  steps.push(parts.proxy);
  app.use(composeSteps(steps));
  app.use(createErrorHandler(parts.logger));
  return app;
}

export type { ReadinessCheck } from "./plugins/health/index.ts";
