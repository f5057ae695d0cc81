export interface Balancer {
  /** A target index among those `eligible` accepts, or undefined when none does. */
  choose(eligible: (index: number) => boolean, hashKey?: string): number | undefined;
}
