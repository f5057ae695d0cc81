import { DEFAULT_CONNECT_TIMEOUT_MS, type GatewayConfig, type TimeoutsConfig } from "@gateway/types";
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
      ...(cors ? { cors: { ...cors, methods: cors.methods ?? [...route.methods] } } : {}),
    })),
  };
}
