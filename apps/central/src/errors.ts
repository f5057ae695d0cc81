import type { ServerResponse } from "node:http";
import {
  type ErrorCode,
  errorBody,
  GatewayError,
  PROXY_STATUS_HEADER,
  proxyStatusEntry,
} from "@gateway/types";
import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { gatewayContext } from "./context.ts";

/**
 * Errors after which the rest of the request may still be on the wire (unread
 * body, broken framing): answering with `Connection: close` stops Node from
 * reading or reusing the connection.
 */
const CLOSE_CONNECTION: ReadonlySet<ErrorCode> = new Set([
  "bad_request",
  "invalid_path",
  "payload_too_large",
  "request_timeout",
  "headers_too_large",
  "uri_too_long",
]);

export function errorJson(code: ErrorCode, message: string, requestId: string): string {
  return JSON.stringify(errorBody(code, message, requestId));
}

/**
 * Renders a GatewayError as the one JSON error shape. If a response is already
 * under way there is nothing truthful left to send: the connection is cut so the
 * client sees a truncated response rather than a spliced one.
 */
export function sendGatewayError(res: ServerResponse, error: GatewayError, requestId: string): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) {
    if (name !== "x-request-id") res.removeHeader(name);
  }
  const body = errorJson(error.code, error.message, requestId);
  res.statusCode = error.status;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.setHeader(PROXY_STATUS_HEADER, proxyStatusEntry("central", error.code, error.proxyError));
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.setHeader("cache-control", "no-store");
  // A body still on its way would otherwise be read in full just to keep the connection alive.
  const bodyPending = res.req !== undefined && !res.req.complete;
  if (CLOSE_CONNECTION.has(error.code) || bodyPending) res.setHeader("connection", "close");
  res.end(body);
}

export function toGatewayError(err: unknown): GatewayError | undefined {
  return err instanceof GatewayError ? err : undefined;
}

/** Express error handler: GatewayError → its JSON; anything else → logged, 500 without details. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const requestId = gatewayContext(res)?.requestId ?? "unknown";
    const gatewayError = toGatewayError(err);
    if (gatewayError !== undefined) {
      sendGatewayError(res, gatewayError, requestId);
      return;
    }
    logger.error({ requestId, err }, "unhandled error");
    sendGatewayError(res, new GatewayError("internal_error", "internal error"), requestId);
  };
}
