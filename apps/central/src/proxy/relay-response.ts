import type { IncomingMessage, ServerResponse } from "node:http";
import { HOP_BY_HOP_HEADERS, REQUEST_ID_HEADER } from "@gateway/types";
import { connectionNamedHeaders } from "../headers.ts";

const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);

/**
 * Copies the upstream's status and end-to-end headers (hop-by-hop ones and
 * those its Connection header names are dropped; Node frames the response
 * itself) and streams the body. Redirects and their Location pass untouched.
 */
export function relayResponse(proxyRes: IncomingMessage, res: ServerResponse): void {
  const named = connectionNamedHeaders(proxyRes.headers.connection);
  res.statusCode = proxyRes.statusCode ?? 502;
  if (proxyRes.statusMessage) res.statusMessage = proxyRes.statusMessage;
  for (const [name, value] of Object.entries(proxyRes.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || name === REQUEST_ID_HEADER)
      continue;
    res.setHeader(name, value);
  }
  proxyRes.pipe(res);
}
