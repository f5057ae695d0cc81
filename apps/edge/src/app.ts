import type { IdentitySigner } from "@gateway/identity";
import type { EdgeConfig } from "@gateway/types";
import { Hono } from "hono";
import { createApiKeyAuthenticator } from "./api-keys/index.ts";
import type { EdgeHonoEnv } from "./context.ts";
import { consoleLogSink, createAccessLog, type EdgeLogSink } from "./middleware/access-log/index.ts";
import {
  type Authenticator,
  createAuthentication,
  createJwtAuthenticator,
  type IssuerKeySource,
  remoteJwks,
} from "./middleware/authenticate/index.ts";
import { createAuthorization } from "./middleware/authorize/index.ts";
import { createBodyLimit } from "./middleware/body-limit/index.ts";
import {
  CACHE_PURGE_PATH,
  createEdgeCache,
  type EntryStore,
  type KeyIndex,
} from "./middleware/cache/index.ts";
import { createCors } from "./middleware/cors/index.ts";
import { createDeprecationHeaders } from "./middleware/deprecation/index.ts";
import { createErrorHandler, createNotFoundHandler } from "./middleware/errors/index.ts";
import {
  type CentralFetcher,
  centralFailure,
  clientResponse,
  createCentralFetcher,
  createForward,
  createForwardRequest,
  prepareForward,
  signIdentity,
} from "./middleware/forward/index.ts";
import { createFramingChecks } from "./middleware/framing/index.ts";
import { createGeoRules } from "./middleware/geo/index.ts";
import { createHeaderLimits } from "./middleware/header-limits/index.ts";
import { createHealthEndpoint } from "./middleware/health/index.ts";
import { createGlobalIpRules, createRouteIpRules } from "./middleware/ip-rules/index.ts";
import {
  type CoarseLimiters,
  createCoarseRateLimit,
  createRememberCentralLimits,
  createRememberedLimits,
  type RememberedLimits,
} from "./middleware/rate-limit/index.ts";
import { createRefuseUpgrade } from "./middleware/refuse-upgrade/index.ts";
import { createRequestId } from "./middleware/request-id/index.ts";
import { createMethodAllowed, createRouting } from "./middleware/route/index.ts";
import { createSecurityHeaders } from "./middleware/security-headers/index.ts";
import { createStripTrustHeaders } from "./middleware/strip-trust-headers/index.ts";
import { createTiming } from "./middleware/timing/index.ts";
import { createWebSocketForward } from "./middleware/websocket/index.ts";

export interface EdgeDeps {
  config: EdgeConfig;
  signer: IdentitySigner;
  /** Base URL of the central tier. */
  centralUrl: string;
  /** How signed requests reach central; defaults to the global fetch. */
  centralFetcher?: CentralFetcher;
  /** Key lookup per JWT issuer; defaults to a remote JWKS cached in memory. */
  jwks?: IssuerKeySource;
  /** Replaces the API key authenticator that verifies keys with central (tests). */
  apiKeys?: Authenticator;
  /** Clock in milliseconds; defaults to Date.now. */
  now?: () => number;
  /** The edge policies' counters by policy name (resolveCoarseLimiters); a route using a missing one answers 500. */
  coarseLimiters?: CoarseLimiters;
  /** Central's remembered 429s; defaults to an LRU of 10 000 entries for this app's life. */
  rememberedLimits?: RememberedLimits;
  /** Access-log sink; defaults to one JSON line per request on the console. */
  log?: EdgeLogSink;
  /** The HTTP cache's storage and key index; without it, routes' `cache` settings are not applied. */
  cache?: { store: EntryStore; index: KeyIndex; purgeSecret?: string };
}

export type EdgeApp = Hono<EdgeHonoEnv>;

/**
 * The edge request path. Call once per isolate: the JWKS caches live in the
 * returned app and are shared by every request it serves.
 */
export function createApp(deps: EdgeDeps): EdgeApp {
  const now = deps.now ?? Date.now;
  const centralFetcher = deps.centralFetcher ?? createCentralFetcher();
  const jwt = createJwtAuthenticator({
    issuers: deps.config.jwt.issuers,
    keySource: deps.jwks ?? remoteJwks(),
    now,
  });

  // Verification subrequests go straight to central's key endpoint, not through the forward seam.
  const apiKeys =
    deps.apiKeys ??
    createApiKeyAuthenticator({
      config: deps.config.apiKeys,
      centralUrl: deps.centralUrl,
      signer: deps.signer,
      fetchCentral: (input, init) => fetch(input, init),
      now,
    });

  const limits = {
    policies: deps.config.rateLimits.edge,
    limiters: deps.coarseLimiters ?? new Map(),
    now,
  };
  const rememberedLimits = deps.rememberedLimits ?? createRememberedLimits();

  const app = new Hono<EdgeHonoEnv>();
  app.onError(createErrorHandler());
  app.notFound(createNotFoundHandler());

  const centralBase = deps.centralUrl.replace(/\/+$/, "");
  const cache =
    deps.cache &&
    createEdgeCache(
      { ...(deps.cache.purgeSecret ? { purgeSecret: deps.cache.purgeSecret } : {}) },
      {
        store: deps.cache.store,
        index: deps.cache.index,
        now,
        // Background refresh: the forward seam's steps on a view of the request with other client headers.
        fetchOrigin: async (c, clientHeaders) => {
          // `req` is a getter over a private field: it must be read on `c` itself, not through the view.
          const view = Object.create(c, {
            req: { value: c.req },
            get: {
              value: (key: string) =>
                key === "clientHeaders"
                  ? clientHeaders
                  : key === "body"
                    ? null
                    : key === "cacheForward"
                      ? "stale"
                      : c.get(key as never),
            },
          }) as typeof c;
          const request = await signIdentity(
            prepareForward(view, centralBase),
            c.get("identity"),
            deps.signer,
          );
          try {
            return clientResponse(await centralFetcher.fetch(request));
          } catch (error) {
            throw centralFailure(error, request, {
              requestId: c.get("requestId"),
              maxBodyBytes: c.get("route").maxBodyBytes,
            });
          }
        },
      },
    );

  app.use(
    createTiming(now),
    createRequestId(),
    createAccessLog({ now, sink: deps.log ?? consoleLogSink, centralUrl: deps.centralUrl }),
    createSecurityHeaders(),
    createFramingChecks(),
  );
  // Hono answers HEAD with the GET route (and drops the body).
  app.get("/health", createHealthEndpoint());
  // Global IP rules come before routing and before the purge endpoint: a denied client reaches nothing.
  app.use(createHeaderLimits(deps.config.limits), createGlobalIpRules(deps.config));
  if (cache?.purge) app.post(CACHE_PURGE_PATH, cache.purge);
  app.use(
    createRefuseUpgrade(deps.config),
    createStripTrustHeaders(deps.config.identity.stripHeaders),
    createRouting(deps.config),
    createDeprecationHeaders(deps.config),
    createRouteIpRules(deps.config),
    createGeoRules(deps.config),
    createCors(),
    createMethodAllowed(),
    createCoarseRateLimit({ ...limits, phase: "ip" }),
    createAuthentication({ jwt, apiKey: apiKeys, apiKeyHeader: deps.config.apiKeys.header }),
    createCoarseRateLimit({ ...limits, phase: "consumer" }),
    createRememberCentralLimits({ memory: rememberedLimits, now }),
    createAuthorization(),
    createBodyLimit(),
  );
  // The cache sits before the request for central is prepared: a revalidation's conditional
  // headers (set on clientHeaders) then flow into it.
  if (cache) app.use(cache.middleware);
  app.use(createForwardRequest({ centralUrl: deps.centralUrl }));
  app.use(createWebSocketForward({ signer: deps.signer, fetcher: centralFetcher }));
  // The forward seam: steps between the request being ready and sent mount here (docs/DESIGN.md).
  app.all("*", createForward({ signer: deps.signer, fetcher: centralFetcher }));
  return app;
}
