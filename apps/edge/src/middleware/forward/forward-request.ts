import { clientIpOf, EDGE_CACHE_HEADER, REQUEST_ID_HEADER } from "@gateway/types";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";
import { removeConsumedCredentials } from "./credentials.ts";
import { forwardedClaimsOf } from "./forwarded.ts";
import { centralUrlFor, type PreparedRequest } from "./prepared-request.ts";
import { setTraceContext } from "./trace-context.ts";

export interface ForwardRequestOptions {
  /** Base URL of the central tier, e.g. "http://127.0.0.1:8080" (a path prefix is kept). */
  centralUrl: string;
}

/**
 * Puts the request for central in the context (`forwardRequest`) once the
 * request is authenticated, authorised and its body limited. It is the seam
 * between "request ready" and "send": middleware mounted after this one and
 * before `createForward` may read or change it, or answer from elsewhere.
 */
export function createForwardRequest(options: ForwardRequestOptions) {
  const base = options.centralUrl.replace(/\/+$/, "");
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    c.set("forwardRequest", prepareForward(c, base));
    await next();
  });
}

/** The request for central from what the middleware chain established (no I/O). */
export function prepareForward(c: Context<EdgeHonoEnv>, centralBase: string): PreparedRequest {
  const { path, query } = c.get("target");
  const headers = new Headers(c.get("clientHeaders"));
  removeConsumedCredentials(headers, c.get("route"));
  setTraceContext(headers, c.get("traceparent"), c.get("tracestate"));
  headers.set(REQUEST_ID_HEADER, c.get("requestId"));
  const cacheForward = c.get("cacheForward");
  if (cacheForward !== undefined) headers.set(EDGE_CACHE_HEADER, cacheForward);
  return {
    url: centralUrlFor(centralBase, path, query),
    method: c.req.raw.method,
    headers,
    body: c.get("body"),
    binding: {
      clientIp: clientIpOf(c.req.raw.headers),
      ...forwardedClaimsOf(new URL(c.req.raw.url)),
      ...c.get("location"),
    },
  };
}
