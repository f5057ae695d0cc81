import { randomUUID } from "node:crypto";
import http from "node:http";
import type { Duplex } from "node:stream";
import type { LimitsConfig } from "@gateway/types";
import { errorJson } from "./errors.ts";

type ClientErrorCode = "bad_request" | "request_timeout" | "headers_too_large";

const STATUS_LINE: Record<ClientErrorCode, string> = {
  bad_request: "400 Bad Request",
  request_timeout: "408 Request Timeout",
  headers_too_large: "431 Request Header Fields Too Large",
};

/** A complete HTTP/1.1 error response for a connection Node could not parse (no request object exists). */
export function rawErrorResponse(code: ClientErrorCode, message: string): string {
  const requestId = randomUUID();
  const body = errorJson(code, message, requestId);
  return (
    `HTTP/1.1 ${STATUS_LINE[code]}\r\n` +
    `X-Request-ID: ${requestId}\r\n` +
    "Content-Type: application/json; charset=utf-8\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "Cache-Control: no-store\r\n" +
    "Connection: close\r\n\r\n" +
    body
  );
}

function clientErrorCode(err: Error & { code?: string }): ClientErrorCode {
  if (err.code === "HPE_HEADER_OVERFLOW") return "headers_too_large";
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT" || err.code === "HPE_TIMEOUT") return "request_timeout";
  return "bad_request";
}

const CLIENT_ERROR_MESSAGE: Record<ClientErrorCode, string> = {
  bad_request: "malformed HTTP request",
  request_timeout: "request was not received in time",
  headers_too_large: "request headers are too large",
};

function writeAndClose(socket: Duplex, response: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(response, () => socket.destroy());
  // A peer that never reads must not keep the socket alive.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * node:http server with the request-level limits from config: bounded header
 * size and count, slow-client timeouts, strict parsing, a Host header required.
 * Unparseable requests get a JSON 400/408/431 with Connection: close, CONNECT
 * and upgrade requests a 400: central is never a tunnel or an open proxy.
 */
export function createServer(handler: http.RequestListener, limits: LimitsConfig): http.Server {
  const server = http.createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      requireHostHeader: true,
      insecureHTTPParser: false,
      joinDuplicateHeaders: false,
      // How often Node enforces headersTimeout/requestTimeout; its 30 s default would make them far looser than configured.
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    handler,
  );
  // One above the limit: Node silently drops headers past this count, the request guard sees the overflow and answers 431.
  server.maxHeadersCount = limits.maxHeaderCount + 1;
  server.on("clientError", (err: Error & { code?: string }, socket: Duplex) => {
    const inFlight = (socket as { _httpMessage?: http.ServerResponse })._httpMessage;
    if (err.code === "ECONNRESET" || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    const code = clientErrorCode(err);
    writeAndClose(socket, rawErrorResponse(code, CLIENT_ERROR_MESSAGE[code]));
  });
  server.on("connect", (_req: http.IncomingMessage, socket: Duplex) => {
    socket.on("error", () => socket.destroy());
    writeAndClose(socket, rawErrorResponse("bad_request", "CONNECT is not supported"));
  });
  server.on("upgrade", (_req: http.IncomingMessage, socket: Duplex) => {
    socket.on("error", () => socket.destroy());
    writeAndClose(socket, rawErrorResponse("bad_request", "protocol upgrades are not supported"));
  });
  return server;
}
