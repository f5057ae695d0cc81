import type { BalancerConfig } from "@gateway/types";
import { createConsistentHash } from "./consistent-hash.ts";
import { createLeastOutstanding } from "./least-outstanding.ts";
import { createRoundRobin } from "./round-robin.ts";
import type { Balancer } from "./types.ts";

export type { Balancer } from "./types.ts";

export interface BalancerDeps {
  ids: readonly string[];
  weights: readonly number[];
  outstanding: (index: number) => number;
  random: () => number;
}

export function createBalancer(config: BalancerConfig, deps: BalancerDeps): Balancer {
  switch (config.strategy) {
    case "round_robin":
      return createRoundRobin(deps.weights);
    case "least_outstanding":
      return createLeastOutstanding(deps.weights, deps.outstanding, deps.random);
    case "consistent_hash":
      return createConsistentHash(deps.ids, deps.weights, deps.random);
  }
}
