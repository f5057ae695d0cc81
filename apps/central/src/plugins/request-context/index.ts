import { randomUUID } from "node:crypto";
import { acceptedRequestId, REQUEST_ID_HEADER } from "@gateway/types";
import type { RequestHandler } from "express";
import type { GatewayContext } from "../../context.ts";
import { singleHeader } from "../../headers.ts";
import type { Tracer } from "../../tracing/index.ts";

/** An incoming request id is reused only if it cannot smuggle anything into logs or headers. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return acceptedRequestId(header) ?? randomUUID();
}

/**
 * Opens `res.locals.gateway`, echoes the request id on every response and, with a tracer,
 * continues the edge's W3C trace (or starts one when the traceparent is missing or malformed).
 */
export function createRequestContext(tracer?: Tracer): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    const context: GatewayContext = {
      requestId,
      startedAt: process.hrtime.bigint(),
      clientIp: req.socket.remoteAddress ?? "unknown",
    };
    if (tracer !== undefined)
      context.trace = tracer.startRequest(
        singleHeader(req.headers.traceparent),
        singleHeader(req.headers.tracestate),
      );
    res.locals.gateway = context;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    next();
  };
}
