import type { IdentitySigner } from "@gateway/identity";
import type { EdgeConfig } from "@gateway/types";
import { Hono } from "hono";
import type { EdgeHonoEnv } from "./context.ts";
import { accessLog, consoleLogSink, type EdgeLogSink } from "./middleware/access-log/access-log.ts";
import { apiKeysNotConfigured } from "./middleware/authenticate/api-key.ts";
import { authenticate } from "./middleware/authenticate/authenticate.ts";
import type { Authenticator } from "./middleware/authenticate/authenticator.ts";
import { type IssuerKeySource, remoteJwks } from "./middleware/authenticate/jwks.ts";
import { createJwtAuthenticator } from "./middleware/authenticate/jwt-authenticator.ts";
import { authorize } from "./middleware/authorize/authorize.ts";
import { bodyLimit } from "./middleware/body-limit/body-limit.ts";
import { cors } from "./middleware/cors/cors.ts";
import { notFound, onError } from "./middleware/errors/handlers.ts";
import { forward } from "./middleware/forward/forward.ts";
import { health } from "./middleware/health/health.ts";
import { coarseRateLimit } from "./middleware/rate-limit/rate-limit.ts";
import { rememberCentralLimits } from "./middleware/rate-limit/remember-central.ts";
import { createRememberedLimits, type RememberedLimits } from "./middleware/rate-limit/remembered-limits.ts";
import type { CoarseLimiters } from "./middleware/rate-limit/resolve-limiters.ts";
import { requestId } from "./middleware/request-id/request-id.ts";
import { methodAllowed } from "./middleware/route/method-allowed.ts";
import { route } from "./middleware/route/route.ts";
import { securityHeaders } from "./middleware/security-headers/security-headers.ts";
import { stripTrustHeaders } from "./middleware/strip-trust-headers/strip-trust-headers.ts";
import { timing } from "./middleware/timing/timing.ts";

export interface EdgeDeps {
  config: EdgeConfig;
  signer: IdentitySigner;
  /** Base URL of the central tier. */
  centralUrl: string;
  /** Defaults to the global fetch. */
  fetchCentral?: typeof fetch;
  /** Key lookup per JWT issuer; defaults to a remote JWKS cached in memory. */
  jwks?: IssuerKeySource;
  /** Replaces the "API keys are not configured" placeholder. */
  apiKeys?: Authenticator;
  /** Clock in milliseconds; defaults to Date.now. */
  now?: () => number;
  /** The edge policies' counters by policy name (resolveCoarseLimiters); a route using a missing one answers 500. */
  coarseLimiters?: CoarseLimiters;
  /** Central's remembered 429s; defaults to an LRU of 10 000 entries for this app's life. */
  rememberedLimits?: RememberedLimits;
  /** Access-log sink; defaults to one JSON line per request on the console. */
  log?: EdgeLogSink;
}

export type EdgeApp = Hono<EdgeHonoEnv>;

/**
 * The edge request path. Call once per isolate: the JWKS caches live in the
 * returned app and are shared by every request it serves.
 */
export function createApp(deps: EdgeDeps): EdgeApp {
  const now = deps.now ?? Date.now;
  const fetchCentral = deps.fetchCentral ?? ((input, init) => fetch(input, init));
  const jwt = createJwtAuthenticator({
    issuers: deps.config.jwt.issuers,
    keySource: deps.jwks ?? remoteJwks(),
    now,
  });

  const limits = {
    policies: deps.config.rateLimits.edge,
    limiters: deps.coarseLimiters ?? new Map(),
    now,
  };
  const rememberedLimits = deps.rememberedLimits ?? createRememberedLimits();

  const app = new Hono<EdgeHonoEnv>();
  app.onError(onError());
  app.notFound(notFound());

  app.use(timing(now), requestId(), accessLog({ now, sink: deps.log ?? consoleLogSink }), securityHeaders());
  // Hono answers HEAD with the GET route (and drops the body).
  app.get("/health", health());
  app.use(
    stripTrustHeaders(deps.config.limits, deps.config.identity.stripHeaders),
    route(deps.config),
    cors(),
    methodAllowed(),
    coarseRateLimit({ ...limits, phase: "ip" }),
    authenticate({ jwt, apiKey: deps.apiKeys ?? apiKeysNotConfigured() }),
    coarseRateLimit({ ...limits, phase: "consumer" }),
    rememberCentralLimits({ memory: rememberedLimits, now }),
    authorize(),
    bodyLimit(),
  );
  app.all("*", forward({ centralUrl: deps.centralUrl, signer: deps.signer, fetchCentral }));
  return app;
}
