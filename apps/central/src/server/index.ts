import { randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import { GATEWAY_SECURITY_HEADERS, type LimitsConfig, proxyStatusEntry } from "@gateway/types";
import { errorJson } from "../errors.ts";
import type { NetworkAllowlist } from "./network-allowlist/index.ts";

type RawErrorCode = "bad_request" | "forbidden" | "request_timeout" | "headers_too_large";

const STATUS_LINE: Record<RawErrorCode, string> = {
  bad_request: "400 Bad Request",
  forbidden: "403 Forbidden",
  request_timeout: "408 Request Timeout",
  headers_too_large: "431 Request Header Fields Too Large",
};

/** Per-process connection cap when none is configured; keep it below `ulimit -n` minus upstream sockets. */
export const DEFAULT_MAX_CONNECTIONS = 4096;

export interface ServerSecurityOptions {
  /** Only peers in these networks are served; others get 403 and a closed connection. */
  allowlist?: NetworkAllowlist;
  /** Connections beyond this are closed on accept (default DEFAULT_MAX_CONNECTIONS). */
  maxConnections?: number;
  /**
   * Takes `Upgrade: websocket` requests (the WebSocket relay); without it, or when it returns
   * false (no relay in the current config), the upgrade is refused with 400.
   */
  websocketUpgrade?: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => unknown;
}

const WEBSOCKET = /(^|[\s,])websocket($|[\s,])/i;

export interface TlsServerOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /** CA bundle that client certificates must chain to; when set, a client certificate is required (mTLS). */
  clientCa?: string | Buffer;
}

/** A complete HTTP/1.1 error response for a connection central answers without a request object. */
export function rawErrorResponse(code: RawErrorCode, message: string): string {
  const requestId = randomUUID();
  const body = errorJson(code, message, requestId);
  const security = Object.entries(GATEWAY_SECURITY_HEADERS)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  return (
    `HTTP/1.1 ${STATUS_LINE[code]}\r\n` +
    `X-Request-ID: ${requestId}\r\n` +
    "Content-Type: application/json; charset=utf-8\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "Cache-Control: no-store\r\n" +
    `Proxy-Status: ${proxyStatusEntry("central", code)}\r\n` +
    security +
    "Connection: close\r\n\r\n" +
    body
  );
}

type ClientErrorCode = "bad_request" | "request_timeout" | "headers_too_large";

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

const FORBIDDEN_MESSAGE = "this network may not call the gateway";

function writeAndClose(socket: Duplex, response: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(response, () => socket.destroy());
  // A peer that never reads must not keep the socket alive.
  setTimeout(() => socket.destroy(), 1000).unref();
}

function nodeServerOptions(limits: LimitsConfig): http.ServerOptions {
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requireHostHeader: true,
    insecureHTTPParser: false,
    joinDuplicateHeaders: false,
    // How often Node enforces headersTimeout/requestTimeout; its 30 s default would make them far looser than configured.
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
  };
}

/** Wraps the app so that a peer outside the allowlist never reaches it, health endpoints included. */
function allowlisted(handler: http.RequestListener, allowlist: NetworkAllowlist): http.RequestListener {
  return (req, res) => {
    if (allowlist.allows(req.socket.remoteAddress)) {
      handler(req, res);
      return;
    }
    req.resume();
    writeAndClose(req.socket, rawErrorResponse("forbidden", FORBIDDEN_MESSAGE));
  };
}

/** Error handling, CONNECT/upgrade refusal and connection limits shared by the http and https servers. */
function harden<S extends http.Server | https.Server>(
  server: S,
  limits: LimitsConfig,
  options: ServerSecurityOptions,
): S {
  // One above the limit: Node silently drops headers past this count, the request guard sees the overflow and answers 431.
  server.maxHeadersCount = limits.maxHeaderCount + 1;
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.on("clientError", (err: Error & { code?: string }, socket: Duplex) => {
    const inFlight = (socket as { _httpMessage?: http.ServerResponse })._httpMessage;
    if (err.code === "ECONNRESET" || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    const code = clientErrorCode(err);
    const response = rawErrorResponse(code, CLIENT_ERROR_MESSAGE[code]);
    if (inFlight === undefined) {
      writeAndClose(socket, response);
      return;
    }
    // A request on this connection is already in the app (its body is what broke): the socket must be
    // destroyed now, not after the flush, or that request could still be forwarded in the meantime.
    // The few hundred bytes of the answer go out in the synchronous write attempt.
    socket.end(response);
    socket.destroy();
  });
  const refuse = (message: string) => (req: http.IncomingMessage, socket: Duplex) => {
    socket.on("error", () => socket.destroy());
    const denied = options.allowlist !== undefined && !options.allowlist.allows(req.socket.remoteAddress);
    writeAndClose(
      socket,
      denied ? rawErrorResponse("forbidden", FORBIDDEN_MESSAGE) : rawErrorResponse("bad_request", message),
    );
  };
  server.on("connect", refuse("CONNECT is not supported"));
  const refuseUpgrade = refuse("protocol upgrades are not supported");
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const allowed = options.allowlist === undefined || options.allowlist.allows(req.socket.remoteAddress);
    const upgrade = req.headers.upgrade;
    if (
      allowed &&
      options.websocketUpgrade !== undefined &&
      typeof upgrade === "string" &&
      WEBSOCKET.test(upgrade)
    ) {
      if (options.websocketUpgrade(req, socket, head) !== false) return;
    }
    refuseUpgrade(req, socket);
  });
  return server;
}

/**
 * node:http server with the request-level limits from config: bounded header
 * size and count, slow-client timeouts, strict parsing, a Host header required,
 * a connection cap, and optionally a peer-network allowlist. Unparseable
 * requests get a JSON 400/408/431 with Connection: close, CONNECT and upgrade
 * requests a 400: central is never a tunnel or an open proxy.
 */
export function createServer(
  handler: http.RequestListener,
  limits: LimitsConfig,
  options: ServerSecurityOptions = {},
): http.Server {
  const listener = options.allowlist === undefined ? handler : allowlisted(handler, options.allowlist);
  return harden(http.createServer(nodeServerOptions(limits), listener), limits, options);
}

/**
 * The same server over TLS (1.2+). With `clientCa`, every peer must present a
 * certificate that chains to it (mTLS), checked during the handshake, before
 * any HTTP byte is parsed. The handshake has the header timeout as its budget.
 */
export function createTlsServer(
  handler: http.RequestListener,
  limits: LimitsConfig,
  tls: TlsServerOptions,
  options: ServerSecurityOptions = {},
): https.Server {
  const listener = options.allowlist === undefined ? handler : allowlisted(handler, options.allowlist);
  const mutual = tls.clientCa !== undefined;
  const server = https.createServer(
    {
      ...nodeServerOptions(limits),
      cert: tls.cert,
      key: tls.key,
      minVersion: "TLSv1.2",
      handshakeTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      ...(mutual ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
    },
    listener,
  );
  return harden(server, limits, options);
}
