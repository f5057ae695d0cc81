import type { EdgeRateLimitPolicy, RateLimitPolicy } from "@gateway/types";

/**
 * Why an edge coarse limit would make a central precise limit on the same route
 * unreachable, or undefined. Applies when every key part of the edge policy is
 * also in the central key: then each edge bucket counts at least the requests of
 * the central bucket, so the edge must allow at least the central rate. Rates
 * are compared over the longer of the two windows (cross-multiplied, exact);
 * a longer edge window with a lower limit is always stricter.
 */
export function edgeStricterThanCentral(
  edge: Pick<EdgeRateLimitPolicy, "name" | "limit" | "windowSeconds" | "key">,
  central: Pick<RateLimitPolicy, "name" | "limit" | "windowSeconds" | "key">,
): string | undefined {
  const centralKey = new Set<string>(central.key);
  if (!edge.key.every((part) => centralKey.has(part))) return undefined;

  const edgeAllowsLess = edge.limit * central.windowSeconds < central.limit * edge.windowSeconds;
  const longerWindowLowerLimit = edge.windowSeconds > central.windowSeconds && edge.limit < central.limit;
  if (!edgeAllowsLess && !longerWindowLowerLimit) return undefined;

  return (
    `edge policy "${edge.name}" (${describe(edge)}) is stricter than central policy "${central.name}" ` +
    `(${describe(central)}): the edge must allow at least what central allows`
  );
}

function describe(policy: { limit: number; windowSeconds: number; key: readonly string[] }): string {
  return `${policy.limit} per ${policy.windowSeconds}s by ${policy.key.join("+")}`;
}
