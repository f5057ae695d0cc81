import type { RetryBudgetConfig } from "@gateway/types";
import { createRollingWindow } from "../rolling-window/index.ts";

export interface RetryBudget {
  /** Counts one original request (not a retry). */
  recordRequest(): void;
  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(): boolean;
  snapshot(): { requests: number; retries: number; allowed: number };
}

/**
 * Retries over the window may be at most `percent` of the requests in it, or
 * `minRetriesPerSecond` × window seconds if that is more, so that retries can
 * add at most a fixed share of load to a failing upstream instead of multiplying it.
 */
export function createRetryBudget(config: RetryBudgetConfig, now: () => number): RetryBudget {
  const window = createRollingWindow(config.windowMs, now);
  const floor = (config.minRetriesPerSecond * config.windowMs) / 1000;
  const allowed = (requests: number) => Math.max(floor, (requests * config.percent) / 100);
  return {
    recordRequest: () => window.add(1, 0),
    tryRetry() {
      const [requests, retries] = window.sums();
      if (retries + 1 > allowed(requests)) return false;
      window.add(0, 1);
      return true;
    },
    snapshot() {
      const [requests, retries] = window.sums();
      return { requests, retries, allowed: Math.floor(allowed(requests)) };
    },
  };
}
