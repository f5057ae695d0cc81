import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

/** Header names the WebSocket client sets itself for the upstream handshake (or that describe the client's hop). */
const CLIENT_HANDSHAKE_HEADERS: ReadonlySet<string> = new Set([
  "host",
  "content-length",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "sec-websocket-protocol",
  "sec-websocket-accept",
]);

/**
 * The upstream handshake's headers: what the request path left on the request
 * (trust and hop-by-hop headers already stripped, the service token and
 * forwarding headers set), minus the handshake fields the WebSocket client
 * writes itself.
 */
export function upstreamHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || CLIENT_HANDSHAKE_HEADERS.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** An upstream URL of the route as ws:// or wss://, with the path prefix it carries. */
export interface WebSocketTarget {
  /** ws: or wss: origin. */
  origin: string;
  basePath: string;
}

export function websocketTarget(raw: string): WebSocketTarget {
  const url = new URL(raw);
  const scheme = url.protocol === "https:" ? "wss:" : "ws:";
  return { origin: `${scheme}//${url.host}`, basePath: url.pathname.replace(/\/+$/, "") };
}

/** The target's path prefix, then the rewritten request path, then the query. */
export function targetUrl(target: WebSocketTarget, rewrittenPath: string, query: string): string {
  const path =
    target.basePath === ""
      ? rewrittenPath
      : rewrittenPath === "/"
        ? target.basePath
        : target.basePath + rewrittenPath;
  return `${target.origin}${path}${query}`;
}
