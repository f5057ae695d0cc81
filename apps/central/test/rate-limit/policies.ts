import type { RateLimitAlgorithm, RateLimitPolicy } from "@gateway/types";
import { uniqueName } from "./redis-for-tests.ts";

export function policy(
  algorithm: RateLimitAlgorithm,
  overrides: Partial<RateLimitPolicy> = {},
): RateLimitPolicy {
  const limit = overrides.limit ?? 5;
  return {
    name: uniqueName(algorithm),
    algorithm,
    limit,
    windowSeconds: 10,
    burst: limit,
    key: ["consumer"],
    failMode: "open",
    ...overrides,
  };
}

/** A settable clock starting on a minute boundary, so fixed windows start at T0 too. */
export function manualClock(start = 1_800_000_000_000) {
  let now = start;
  return {
    start,
    now: () => now,
    set: (ms: number) => {
      now = ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}
