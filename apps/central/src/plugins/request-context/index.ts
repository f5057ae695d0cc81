import { randomUUID } from "node:crypto";
import { acceptedRequestId, REQUEST_ID_HEADER } from "@gateway/types";
import type { RequestHandler } from "express";
import type { GatewayContext } from "../../context.ts";

/** An incoming request id is reused only if it cannot smuggle anything into logs or headers. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return acceptedRequestId(header) ?? randomUUID();
}

/** Opens `res.locals.gateway` and echoes the request id on every response. */
export function createRequestContext(): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    const context: GatewayContext = {
      requestId,
      startedAt: process.hrtime.bigint(),
      clientIp: req.socket.remoteAddress ?? "unknown",
    };
    res.locals.gateway = context;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    next();
  };
}
