import type { IdentitySigner, IdentityVerifier } from "@gateway/identity";
import type { CentralConfig } from "@gateway/types";
import express, { type RequestHandler } from "express";
import type { Logger } from "pino";
import { createErrorHandler } from "./errors.ts";
import { createBodyLimit } from "./plugins/body-limit/index.ts";
import { createHealthEndpoints, type ReadinessCheck } from "./plugins/health/index.ts";
import { createIdentityVerification } from "./plugins/identity/index.ts";
import { createReplayCheck, type ReplayProtection } from "./plugins/replay-check/index.ts";
import { createRequestContext } from "./plugins/request-context/index.ts";
import { createRequestGuard } from "./plugins/request-guard/index.ts";
import { createRequestLog } from "./plugins/request-log/index.ts";
import { createRouting } from "./plugins/routing/index.ts";
import { createSecurityHeaders } from "./plugins/security-headers/index.ts";
import { createTrustedHeaders } from "./plugins/trusted-headers/index.ts";
import { createProxy, type UpstreamAgentOptions } from "./proxy/index.ts";

export { createServer, createTlsServer } from "./server.ts";

export interface CentralDeps {
  logger: Logger;
  /** Verifies the edge's identity token (audience "central", issuer "edge"); without a replay store when `replay` is set. */
  verifier: IdentityVerifier;
  /**
   * Replay protection, checked after routing: folded into the rate-limit
   * script on routes with policies, a standalone `SET NX` otherwise.
   */
  replay?: ReplayProtection;
  /** Signs central's identity token for services (issuer "central"). */
  signer: IdentitySigner;
  /**
   * Precise rate limiting; runs after identity + routing, before the replay check, the body
   * limit and proxy. It settles `context.replay` when it can (see the rate-limit plugin).
   */
  rateLimit?: RequestHandler;
  /** /readyz passes only when all of these resolve (e.g. Redis PING). */
  readinessChecks?: ReadinessCheck[];
  /** Keep-alive agent sizing per upstream origin. */
  agentOptions?: UpstreamAgentOptions;
  /** Clock (epoch ms) for circuit breakers, ejections and retry budgets; default Date.now. */
  now?: () => number;
  /** Randomness for retry jitter and load balancing; default Math.random. */
  random?: () => number;
}

export interface CentralApp {
  app: express.Express;
  /** Releases what the app holds (pooled upstream sockets). Does not touch injected clients. */
  close(): void;
}

/**
 * The request path at central, cheapest rejections first:
 * security headers → context → guard → health → identity → trusted headers → routing → rate limit
 * → replay check → body limit → proxy. With replay protection on, identity verifies everything
 * but the replay; the rate limit (one Redis script) or else the replay check settles that, so a
 * request costs one Redis round trip and a replayed token consumes no quota.
 */
export function createApp(config: CentralConfig, deps: CentralDeps): CentralApp {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("query parser", false);

  const proxy = createProxy(config.routes, {
    signer: deps.signer,
    logger: deps.logger,
    ...(deps.agentOptions === undefined ? {} : { agentOptions: deps.agentOptions }),
    ...(deps.now === undefined ? {} : { now: deps.now }),
    ...(deps.random === undefined ? {} : { random: deps.random }),
  });

  app.use(createSecurityHeaders());
  app.use(createRequestContext());
  app.use(createRequestLog(deps.logger));
  app.use(createRequestGuard(config.limits));
  app.use(createHealthEndpoints(deps.readinessChecks ?? [], { upstreams: () => proxy.snapshot() }));
  app.use(
    createIdentityVerification({
      verifier: deps.verifier,
      logger: deps.logger,
      ...(deps.replay === undefined
        ? {}
        : { deferredReplay: { clockSkewSeconds: config.identity.clockSkewSeconds } }),
    }),
  );
  app.use(createTrustedHeaders());
  app.use(createRouting(config.routes));
  if (deps.rateLimit !== undefined) app.use(deps.rateLimit);
  if (deps.replay !== undefined)
    app.use(createReplayCheck({ store: deps.replay.store, logger: deps.logger }));
  app.use(createBodyLimit());
  app.use(proxy.handler);
  app.use(createErrorHandler(deps.logger));

  return { app, close: () => proxy.close() };
}

export type { ReadinessCheck } from "./plugins/health/index.ts";
