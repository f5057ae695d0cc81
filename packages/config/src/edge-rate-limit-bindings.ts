import type { EdgeRateLimitPolicy } from "@gateway/types";

/**
 * How edge policies map to Worker bindings. Rate Limiting bindings are declared
 * in wrangler config, not created at runtime, so each `kind: binding` policy
 * gets one binding whose name is derived from the policy name; the Worker and
 * `gateway-config wrangler-bindings` both use this function.
 */

/** The only periods (`simple.period`) the Workers Rate Limiting binding supports. */
export const RATE_LIMIT_BINDING_PERIODS: readonly number[] = [10, 60];

/** The Durable Object namespace that serves every `kind: durable_object` policy (one object per policy + key). */
export const EDGE_LIMITER_BINDING = "EDGE_LIMITER";
export const EDGE_LIMITER_CLASS = "EdgeLimiter";

/** "ip-coarse" → "RL_IP_COARSE". */
export function rateLimitBindingName(policyName: string): string {
  return `RL_${policyName.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

export interface WranglerRateLimit {
  name: string;
  namespace_id: string;
  simple: { limit: number; period: number };
}

export interface WranglerEdgeBindings {
  ratelimits: WranglerRateLimit[];
  durable_objects: { bindings: Array<{ name: string; class_name: string }> };
  migrations: Array<{ tag: string; new_sqlite_classes: string[] }>;
}

/**
 * What apps/edge/wrangler.jsonc must declare for these policies. `namespace_id`
 * is derived from the policy name (stable when policies are reordered); it must
 * be unique in the Cloudflare account, so change it if another Worker uses it.
 */
export function wranglerEdgeBindings(policies: readonly EdgeRateLimitPolicy[]): WranglerEdgeBindings {
  return {
    ratelimits: policies
      .filter((policy) => policy.kind === "binding")
      .map((policy) => ({
        name: rateLimitBindingName(policy.name),
        namespace_id: namespaceIdOf(policy.name),
        simple: { limit: policy.limit, period: policy.windowSeconds },
      })),
    durable_objects: { bindings: [{ name: EDGE_LIMITER_BINDING, class_name: EDGE_LIMITER_CLASS }] },
    migrations: [{ tag: "v1", new_sqlite_classes: [EDGE_LIMITER_CLASS] }],
  };
}

/** FNV-1a (32 bit) of the name, as a positive integer string above 1000. */
function namespaceIdOf(name: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return String(1001 + (hash % 1_000_000_000));
}
