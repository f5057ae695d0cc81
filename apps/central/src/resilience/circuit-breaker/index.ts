import type { CircuitBreakerConfig } from "@gateway/types";
import { createRollingWindow } from "../rolling-window/index.ts";

export type BreakerState = "closed" | "open" | "half_open";

/** Permission to send one request; exactly one of its methods should be called once it is over. */
export interface BreakerPermit {
  success(): void;
  failure(): void;
  /** The request ended without an outcome (client left): a half-open trial slot is given back. */
  release(): void;
}

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** Requests and failures in the rolling window. */
  window: { requests: number; failures: number };
  /** While open: when trial requests will be admitted (epoch ms). */
  openUntil?: number;
}

export interface CircuitBreaker {
  /** A permit, or undefined when the breaker refuses (open, or half-open with every trial slot taken). */
  tryAcquire(): BreakerPermit | undefined;
  /** Whether tryAcquire would succeed now (no side effects). */
  available(): boolean;
  state(): BreakerState;
  /** How long a refused caller should wait before trying again. */
  retryAfterMs(): number;
  snapshot(): BreakerSnapshot;
}

export interface CircuitBreakerDeps {
  now: () => number;
  onStateChange?: (from: BreakerState, to: BreakerState, reason: string) => void;
}

const NOOP_PERMIT: BreakerPermit = { success() {}, failure() {}, release() {} };

/**
 * closed → open on `consecutiveFailures` failures in a row, or when failures reach
 * `errorRatePercent` of at least `minimumRequests` requests in the rolling window;
 * open → half-open after `openMs` (checked lazily, no timers); half-open admits
 * exactly `halfOpenTrials` requests and refuses every other one, closes when all of
 * them succeed and opens again on the first failure. Outcomes of requests admitted
 * in an earlier state (a "generation") no longer move the state.
 */
export function createCircuitBreaker(config: CircuitBreakerConfig, deps: CircuitBreakerDeps): CircuitBreaker {
  const { now } = deps;
  const window = createRollingWindow(config.windowMs, now);
  let state: BreakerState = "closed";
  let generation = 0;
  let consecutive = 0;
  let openUntil = 0;
  let trialsIssued = 0;
  let trialsSucceeded = 0;

  const moveTo = (next: BreakerState, reason: string) => {
    const from = state;
    state = next;
    generation++;
    if (next === "open") openUntil = now() + config.openMs;
    if (next === "half_open") {
      trialsIssued = 0;
      trialsSucceeded = 0;
    }
    if (next === "closed") {
      consecutive = 0;
      window.reset();
    }
    deps.onStateChange?.(from, next, reason);
  };

  const refresh = () => {
    if (state === "open" && now() >= openUntil) moveTo("half_open", `${config.openMs}ms open elapsed`);
  };

  const onClosedOutcome = (failed: boolean) => {
    window.add(1, failed ? 1 : 0);
    if (!failed) {
      consecutive = 0;
      return;
    }
    consecutive++;
    if (consecutive >= config.consecutiveFailures) {
      moveTo("open", `${consecutive} consecutive failures`);
      return;
    }
    const [requests, failures] = window.sums();
    if (requests >= config.minimumRequests && failures * 100 >= config.errorRatePercent * requests) {
      moveTo("open", `${failures} of ${requests} requests failed in ${config.windowMs}ms`);
    }
  };

  const closedPermit = (): BreakerPermit => {
    const issuedIn = generation;
    let done = false;
    const settle = (failed: boolean | undefined) => {
      if (done) return;
      done = true;
      if (failed === undefined || issuedIn !== generation || state !== "closed") return;
      onClosedOutcome(failed);
    };
    return { success: () => settle(false), failure: () => settle(true), release: () => settle(undefined) };
  };

  const trialPermit = (): BreakerPermit => {
    const issuedIn = generation;
    trialsIssued++;
    let done = false;
    const settle = (failed: boolean | undefined) => {
      if (done) return;
      done = true;
      if (issuedIn !== generation || state !== "half_open") return;
      if (failed === undefined) trialsIssued--;
      else if (failed) moveTo("open", "a half-open trial failed");
      else if (++trialsSucceeded >= config.halfOpenTrials)
        moveTo("closed", `${trialsSucceeded} half-open trial(s) succeeded`);
    };
    return { success: () => settle(false), failure: () => settle(true), release: () => settle(undefined) };
  };

  return {
    tryAcquire() {
      if (!config.enabled) return NOOP_PERMIT;
      refresh();
      if (state === "closed") return closedPermit();
      if (state === "half_open" && trialsIssued < config.halfOpenTrials) return trialPermit();
      return undefined;
    },
    available() {
      if (!config.enabled) return true;
      refresh();
      return state === "closed" || (state === "half_open" && trialsIssued < config.halfOpenTrials);
    },
    state() {
      refresh();
      return state;
    },
    retryAfterMs() {
      refresh();
      if (state === "open") return Math.max(0, openUntil - now());
      return state === "half_open" ? Math.min(1000, config.openMs) : 0;
    },
    snapshot() {
      refresh();
      const [requests, failures] = window.sums();
      return {
        state,
        consecutiveFailures: consecutive,
        window: { requests, failures },
        ...(state === "open" ? { openUntil } : {}),
      };
    },
  };
}
