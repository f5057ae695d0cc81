import { type AccessLogEntry, accessLogLevel, redactedTarget } from "@gateway/types";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv, EdgeRoute } from "../../context.ts";

/** One access-log entry per request: the fields of ACCESS_LOG_FIELDS (@gateway/types), as central writes them. */
export type EdgeAccessLogEntry = AccessLogEntry & { tier: "edge"; msg: "request" };

export type EdgeLogSink = (entry: EdgeAccessLogEntry) => void;

/** Workers Logs / `wrangler tail` collect console output: one JSON line per request. */
export const consoleLogSink: EdgeLogSink = (entry) => console.log(JSON.stringify(entry));

export interface AccessLogOptions {
  now: () => number;
  sink: EdgeLogSink;
  /** Central's base URL: the `upstream` of every request the edge forwarded. */
  centralUrl?: string;
}

/** A route's API key query parameter is a credential too (besides the names redactedTarget knows). */
const routeSecrets = new WeakMap<EdgeRoute, ReadonlySet<string>>();
function secretNamesOf(route: EdgeRoute | undefined): ReadonlySet<string> | undefined {
  if (route?.apiKeyQueryParam === undefined) return undefined;
  let names = routeSecrets.get(route);
  if (names === undefined) {
    names = new Set([route.apiKeyQueryParam.toLowerCase().replace(/-/g, "_")]);
    routeSecrets.set(route, names);
  }
  return names;
}

/** The normalised path (or, before routing, the raw one) with credential-like query values redacted. */
function loggedPath(c: Context<EdgeHonoEnv>, route: EdgeRoute | undefined): string {
  const target = c.get("target");
  if (target !== undefined) return redactedTarget(target.path, target.query, secretNamesOf(route));
  // Before routing the URL may be one the router refused (e.g. a bad Host): read it without parsing.
  const url = c.req.url;
  const scheme = url.indexOf("://");
  const slash = url.indexOf("/", scheme === -1 ? 0 : scheme + 3);
  const raw = slash === -1 ? "/" : url.slice(slash);
  const query = raw.indexOf("?");
  return query === -1
    ? redactedTarget(raw, undefined)
    : redactedTarget(raw.slice(0, query), raw.slice(query + 1));
}

export function createAccessLog(options: AccessLogOptions) {
  const upstream = options.centralUrl?.replace(/\/+$/, "") ?? null;
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const startedAt = options.now();
    try {
      await next();
    } finally {
      const status = c.res.status;
      const route = c.get("route") as EdgeRoute | undefined;
      // Set by the forward step only: a cache hit is "proxied" but never reached central.
      const latency = c.get("upstreamLatencyMs");
      options.sink({
        ts: new Date(options.now()).toISOString(),
        level: accessLogLevel(status),
        msg: "request",
        requestId: c.get("requestId"),
        traceId: c.get("traceId") ?? null,
        tier: "edge",
        route: route?.name ?? null,
        method: c.req.method,
        path: loggedPath(c, route),
        status,
        latencyMs: Math.max(0, options.now() - startedAt),
        upstream: latency === undefined ? null : upstream,
        upstreamLatencyMs: latency ?? null,
        consumer: c.get("identity")?.sub ?? null,
        cache: c.get("cacheStatus") ?? null,
        rateLimit: c.get("rateLimit") ?? null,
        breaker: null,
      });
    }
  });
}
