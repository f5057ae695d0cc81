import { GatewayError } from "@gateway/types";
import type { RequestHandler } from "express";
import { gatewayContext } from "../../context.ts";

/**
 * Rejects a declared Content-Length above the route's limit before any byte
 * reaches the upstream. Chunked bodies have no declared length: the proxy counts
 * them while streaming (see countBody in proxy/index.ts).
 */
export function createBodyLimit(): RequestHandler {
  return (req, res, next) => {
    const route = gatewayContext(res).route;
    const declared = req.headers["content-length"];
    if (route !== undefined && declared !== undefined && Number(declared) > route.maxBodyBytes) {
      next(new GatewayError("payload_too_large", `request body exceeds ${route.maxBodyBytes} bytes`));
      return;
    }
    next();
  };
}
