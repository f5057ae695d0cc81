import { EDGE_CACHE_FORWARDS, EDGE_CACHE_HEADER } from "@gateway/types";
import type { RequestHandler } from "express";
import { gatewayContext } from "../../context.ts";
import type { GatewayMetrics } from "../../metrics/index.ts";

const KNOWN: ReadonlySet<string> = new Set(EDGE_CACHE_FORWARDS);

/**
 * Why the edge's cache forwarded this request (`x-gateway-cache`, one of EDGE_CACHE_FORWARDS),
 * for the access log's `cache` and gateway_edge_cache_status_total. Runs right after identity
 * verification, so only requests the edge signed count (the edge strips the header from clients);
 * the trusted-headers step removes it before anything reaches a service.
 */
export function createEdgeCacheStatus(metrics: GatewayMetrics | undefined): RequestHandler {
  return (req, res, next) => {
    const value = req.headers[EDGE_CACHE_HEADER];
    if (typeof value === "string" && gatewayContext(res).identity !== undefined) {
      const status = KNOWN.has(value) ? value : "other";
      gatewayContext(res).cache = status;
      metrics?.edgeCache(status);
    }
    next();
  };
}
