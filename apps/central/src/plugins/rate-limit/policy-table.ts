import { type RateLimitPolicy, rateLimitPolicyHeader } from "@gateway/types";

function assertValid(policy: RateLimitPolicy): void {
  const positive = (value: number) => Number.isFinite(value) && value > 0;
  if (!positive(policy.limit) || !positive(policy.windowSeconds) || !(policy.burst >= 1)) {
    throw new Error(
      `rate limit policy "${policy.name}": limit and windowSeconds must be > 0 and burst >= 1 ` +
        `(got limit=${policy.limit}, windowSeconds=${policy.windowSeconds}, burst=${policy.burst})`,
    );
  }
}

export interface PolicyTable {
  /** The policies a route names (deduplicated), resolved once per route; throws on an unknown name. */
  policiesOf(names: string[]): RateLimitPolicy[];
  /** Their RateLimit-Policy field value, serialised once per resolved list. */
  policyHeaderOf(applicable: RateLimitPolicy[]): string;
}

/** The configured policies by name; throws at startup on an invalid one. Lookups run on every request. */
export function createPolicyTable(policies: RateLimitPolicy[]): PolicyTable {
  const byName = new Map<string, RateLimitPolicy>();
  for (const policy of policies) {
    assertValid(policy);
    byName.set(policy.name, policy);
  }
  // Keyed by the route config's own array, so each route resolves once.
  const resolved = new WeakMap<readonly string[], RateLimitPolicy[]>();
  const headers = new WeakMap<RateLimitPolicy[], string>();
  return {
    policiesOf(names) {
      const cached = resolved.get(names);
      if (cached !== undefined) return cached;
      const found = [...new Set(names)].map((name) => {
        const policy = byName.get(name);
        if (!policy) throw new Error(`unknown rate limit policy "${name}"`);
        return policy;
      });
      resolved.set(names, found);
      return found;
    },
    policyHeaderOf(applicable) {
      let header = headers.get(applicable);
      if (header === undefined) {
        header = rateLimitPolicyHeader(applicable);
        headers.set(applicable, header);
      }
      return header;
    },
  };
}
