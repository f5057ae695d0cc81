import type { Balancer } from "./types.ts";

/**
 * Smooth weighted round robin (nginx): with weights 5,1,1 the order is
 * a a b a c a a, never a burst of five. Equal weights give plain round robin.
 */
export function createRoundRobin(weights: readonly number[]): Balancer {
  const current = new Array<number>(weights.length).fill(0);
  return {
    choose(eligible) {
      let best = -1;
      let total = 0;
      for (let i = 0; i < weights.length; i++) {
        if (!eligible(i)) continue;
        const weight = weights[i] ?? 1;
        current[i] = (current[i] ?? 0) + weight;
        total += weight;
        if (best === -1 || (current[i] ?? 0) > (current[best] ?? 0)) best = i;
      }
      if (best === -1) return undefined;
      current[best] = (current[best] ?? 0) - total;
      return best;
    },
  };
}
