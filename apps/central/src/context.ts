import type { IdentityClaims, RouteConfig } from "@gateway/types";
import type { Response } from "express";
import type { PendingReplay } from "./replay/pending.ts";

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
}

export function gatewayContext(res: Response): GatewayContext {
  return (res.locals as { gateway: GatewayContext }).gateway;
}
