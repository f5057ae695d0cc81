import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_STRIP_HEADERS_ENTRY,
  FOREIGN_IDENTITY_HEADERS,
  type GatewayConfig,
  type TimeoutsConfig,
} from "@gateway/types";
import { DEFAULT_ROUTE_TIMEOUT_MS, type ParsedConfig } from "./schema/gateway-schema.ts";

type ParsedRoute = ParsedConfig["routes"][number];

/** firstByteMs from timeouts or the timeoutMs shorthand; connect defaults to at most firstByteMs. */
function routeTimeouts(route: ParsedRoute): TimeoutsConfig {
  const firstByteMs = route.timeouts.firstByteMs ?? route.timeoutMs ?? DEFAULT_ROUTE_TIMEOUT_MS;
  return {
    connectMs: route.timeouts.connectMs ?? Math.min(DEFAULT_CONNECT_TIMEOUT_MS, firstByteMs),
    firstByteMs,
    ...(route.timeouts.totalMs === undefined ? {} : { totalMs: route.timeouts.totalMs }),
  };
}

/**
 * Fills the defaults that depend on other fields (burst = limit, route
 * timeouts, maxBodyBytes = limits.maxBodyBytes, cors.methods = the route's methods).
 * Runs after the semantic checks, which need to know whether those were written explicitly. The return type is the
 * compile-time check that the schema produces the @gateway/types contract.
 */
export function applyDefaults(parsed: ParsedConfig): GatewayConfig {
  return {
    ...parsed,
    identity: { ...parsed.identity, stripHeaders: expandStripHeaders(parsed.identity.stripHeaders) },
    rateLimits: {
      policies: parsed.rateLimits.policies.map((policy) => ({
        ...policy,
        burst: policy.burst ?? policy.limit,
      })),
      edge: parsed.rateLimits.edge,
    },
    routes: parsed.routes.map(({ cors, ...route }) => ({
      ...route,
      timeoutMs: routeTimeouts(route).firstByteMs,
      timeouts: routeTimeouts(route),
      upstream: route.upstream ?? { urls: [] },
      maxBodyBytes: route.maxBodyBytes ?? parsed.limits.maxBodyBytes,
      ...(route.serviceToken === "reuse"
        ? { reuseSeconds: route.reuseSeconds ?? Math.max(1, Math.floor(parsed.identity.ttlSeconds / 2)) }
        : {}),
      ...(cors ? { cors: { ...cors, methods: cors.methods ?? [...route.methods] } } : {}),
    })),
  };
}

/** "default" becomes the built-in list of other proxies' identity headers; duplicates go. */
function expandStripHeaders(entries: readonly string[]): string[] {
  const out = new Set<string>();
  for (const entry of entries) {
    if (entry === DEFAULT_STRIP_HEADERS_ENTRY) for (const name of FOREIGN_IDENTITY_HEADERS) out.add(name);
    else out.add(entry);
  }
  return [...out];
}
