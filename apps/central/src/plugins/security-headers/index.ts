import { IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { BANNER_HEADERS, GATEWAY_SECURITY_HEADERS, STRICT_TRANSPORT_SECURITY } from "@gateway/types";
import type { RequestHandler } from "express";

export interface SecurityHeadersOptions {
  /** Response header names removed from every response (default: server, x-powered-by). */
  strip?: readonly string[];
  /** Strict-Transport-Security value for responses on a TLS connection. */
  hsts?: string;
}

type WriteHeadArgs = [
  number,
  (string | OutgoingHttpHeaders | unknown[])?,
  (OutgoingHttpHeaders | unknown[])?,
];

/** Copies a writeHead headers argument without the stripped names (object or flat/paired array form). */
function withoutStripped(headers: unknown, strip: ReadonlySet<string>): unknown {
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      return (headers as unknown[][]).filter((pair) => !strip.has(String(pair[0]).toLowerCase()));
    }
    const kept: unknown[] = [];
    for (let i = 0; i < headers.length; i += 2) {
      if (!strip.has(String(headers[i]).toLowerCase())) kept.push(headers[i], headers[i + 1]);
    }
    return kept;
  }
  if (headers !== null && typeof headers === "object") {
    const kept: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
      if (!strip.has(name.toLowerCase())) kept[name] = value;
    }
    return kept;
  }
  return headers;
}

function setIfAbsent(res: ServerResponse, name: string, value: string): void {
  if (!res.hasHeader(name)) res.setHeader(name, value);
}

const RELAYED = Symbol("central.relayed");
const ORIGINAL_WRITE_HEAD = Symbol("central.writeHead");
type SecuredResponse = ServerResponse & {
  [RELAYED]?: boolean;
  [ORIGINAL_WRITE_HEAD]: (...args: WriteHeadArgs) => ServerResponse;
};

function markRelayed(this: SecuredResponse, source: unknown): void {
  if (source instanceof IncomingMessage) this[RELAYED] = true;
}

/**
 * Decides the response headers at the last moment (writeHead, where Node also
 * lands for implicit headers). A response whose body is piped from an upstream
 * IncomingMessage is relayed: it keeps the service's own policy headers, minus
 * the banners. Everything else central generated: it gets nosniff, no-referrer,
 * a deny-all CSP, and `no-store` when it is an error. HSTS on TLS connections.
 */
export function createSecurityHeaders(options: SecurityHeadersOptions = {}): RequestHandler {
  const strip = new Set((options.strip ?? BANNER_HEADERS).map((n) => n.toLowerCase()));
  const hsts = options.hsts ?? STRICT_TRANSPORT_SECURITY;
  // One writeHead and one pipe listener for every response, the per-response state on the response:
  // with a new closure per request assigned to `res.writeHead`, V8's young-generation GC kept every
  // finished request alive until the next full GC and promoted it (~7 KB each; docs/performance.md).
  function securedWriteHead(this: SecuredResponse, ...args: WriteHeadArgs): ServerResponse {
    for (const name of strip) this.removeHeader(name);
    if (this[RELAYED] !== true) {
      for (const [name, value] of Object.entries(GATEWAY_SECURITY_HEADERS)) setIfAbsent(this, name, value);
      if (args[0] >= 400) this.setHeader("cache-control", "no-store");
    }
    if ((this.req.socket as TLSSocket).encrypted === true)
      setIfAbsent(this, "strict-transport-security", hsts);
    const last = args.length - 1;
    if (last >= 1 && typeof args[last] === "object") args[last] = withoutStripped(args[last], strip) as never;
    return this[ORIGINAL_WRITE_HEAD](...args);
  }
  return (_req, res, next) => {
    const secured = res as unknown as SecuredResponse;
    secured[ORIGINAL_WRITE_HEAD] = res.writeHead as SecuredResponse[typeof ORIGINAL_WRITE_HEAD];
    res.on("pipe", markRelayed);
    res.writeHead = securedWriteHead as typeof res.writeHead;
    next();
  };
}
