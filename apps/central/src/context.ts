import type { AccessLogEntry, IdentityClaims, RouteConfig } from "@gateway/types";
import type { Response } from "express";
import type { PendingReplay } from "./replay/pending.ts";
import type { RequestTrace } from "./tracing/index.ts";

/**
 * Per-request state shared by central's middleware, kept on `res.locals.gateway`.
 * Filled in order: requestId + clientIp first, identity after verification,
 * route after matching (with the normalised path).
 */
export interface GatewayContext {
  requestId: string;
  startedAt: bigint;
  /** Client IP as signed by the edge (`cip`), else the socket peer. */
  clientIp: string;
  identity?: IdentityClaims;
  /**
   * The verified token's replay check, deferred to after routing (one Redis
   * round trip with the rate limit); exactly one later step settles it.
   */
  replay?: PendingReplay;
  route?: RouteConfig;
  /** Normalised request path (no query) used for routing. */
  path?: string;
  /** The split variant chosen for this request (routes with `split`); names its upstream pool. */
  variant?: string;
  /** Upstream origin the request was sent to (for the access log). */
  upstream?: string;
  /** The request's W3C trace (central's span of it); spans for the steps hang off it. */
  trace?: RequestTrace;
  /** Time to the upstream's response head (or failure) of the last attempt, for the access log. */
  upstreamLatencyMs?: number;
  /** What the rate limit decided (the access log's `rateLimit`). */
  rateLimit?: NonNullable<AccessLogEntry["rateLimit"]>;
  /** The state of the breaker of the target the request went to (or "open" when refused). */
  breaker?: NonNullable<AccessLogEntry["breaker"]>;
  /** Why the edge's cache forwarded the request (from the edge's x-gateway-cache, after identity verified). */
  cache?: string;
}

export function gatewayContext(res: Response): GatewayContext {
  return (res.locals as { gateway: GatewayContext }).gateway;
}
