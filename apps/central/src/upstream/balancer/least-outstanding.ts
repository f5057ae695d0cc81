import type { Balancer } from "./types.ts";

/**
 * Power of two choices: draw two distinct eligible targets at random, send to
 * the one with fewer requests in flight per unit of weight. A slow target holds
 * its requests longer, so it is drawn as often but chosen less.
 */
export function createLeastOutstanding(
  weights: readonly number[],
  outstanding: (index: number) => number,
  random: () => number,
): Balancer {
  const candidates: number[] = [];
  return {
    choose(eligible) {
      candidates.length = 0;
      for (let i = 0; i < weights.length; i++) if (eligible(i)) candidates.push(i);
      if (candidates.length === 0) return undefined;
      if (candidates.length === 1) return candidates[0];
      const first = Math.floor(random() * candidates.length);
      let second = Math.floor(random() * (candidates.length - 1));
      if (second >= first) second++;
      const a = candidates[first] as number;
      const b = candidates[second] as number;
      const load = (i: number) => outstanding(i) / (weights[i] ?? 1);
      return load(b) < load(a) ? b : a;
    },
  };
}
