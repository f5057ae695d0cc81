import type { GatewayConfig } from "@gateway/types";
import type { ParsedConfig } from "./schema/gateway-schema.ts";

/**
 * Fills the defaults that depend on other fields (burst = limit, route
 * maxBodyBytes = limits.maxBodyBytes, cors.methods = the route's methods).
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
      upstream: route.upstream ?? { urls: [] },
      maxBodyBytes: route.maxBodyBytes ?? parsed.limits.maxBodyBytes,
      ...(cors ? { cors: { ...cors, methods: cors.methods ?? [...route.methods] } } : {}),
    })),
  };
}
