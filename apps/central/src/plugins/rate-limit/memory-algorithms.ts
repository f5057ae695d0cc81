import type { RateLimitAlgorithm } from "@gateway/types";
import type { RawVerdict as Verdict } from "./decision.ts";
import { EPSILON, EXPIRY_SLACK_MS } from "./scripts/evaluate.ts";

/**
 * The Lua algorithms of scripts/*.ts, line for line, over in-process state.
 * Keep the arithmetic in the same order: both stores must return the same
 * numbers for the same clock (tested).
 */

export interface FixedWindowState {
  index: number;
  count: number;
}
export interface TokenBucketState {
  tokens: number;
  at: number;
}
/** fixed window | sliding log (ascending times) | token bucket | GCRA TAT */
export type AlgorithmState = FixedWindowState | number[] | TokenBucketState | number;

export interface AlgorithmStep {
  verdict: Verdict;
  /** Present when state changed: the new state and its time to live in ms. */
  write?: { state: AlgorithmState; ttlMs: number };
}

type Algorithm = (
  state: AlgorithmState | undefined,
  now: number,
  limit: number,
  window: number,
  burst: number,
  commit: boolean,
) => AlgorithmStep;

const fixedWindow: Algorithm = (state, now, limit, window, _burst, commit) => {
  const index = Math.floor(now / window);
  const reset = (index + 1) * window - now;
  const stored = state as FixedWindowState | undefined;
  const count = stored?.index === index ? stored.count : 0;
  if (count >= limit) return { verdict: [0, 0, reset, reset] };
  if (!commit) return { verdict: [1, limit - count, count > 0 ? reset : 0, 0] };
  return {
    verdict: [1, limit - count - 1, reset, 0],
    write: { state: { index, count: count + 1 }, ttlMs: Math.ceil(reset) + EXPIRY_SLACK_MS },
  };
};

const slidingWindow: Algorithm = (state, now, limit, window, _burst, commit) => {
  const after = now - window;
  const inWindow = ((state as number[] | undefined) ?? []).filter((time) => time > after);
  const count = inWindow.length;
  const newest = inWindow[count - 1] ?? now;
  if (count >= limit) {
    const freeing = inWindow[count - limit] ?? now;
    return { verdict: [0, 0, newest + window - now, freeing + window - now] };
  }
  if (!commit) return { verdict: [1, limit - count, count > 0 ? newest + window - now : 0, 0] };
  const times = [...inWindow, now].sort((a, b) => a - b);
  const reset = Math.max(times[times.length - 1] ?? now, now) + window - now;
  return {
    verdict: [1, limit - count - 1, reset, 0],
    write: { state: times, ttlMs: Math.ceil(reset) + EXPIRY_SLACK_MS },
  };
};

const tokenBucket: Algorithm = (state, now, limit, window, burst, commit) => {
  const rate = limit / window;
  const stored = state as TokenBucketState | undefined;
  let tokens = burst;
  let at = now;
  if (stored) {
    tokens = Math.min(burst, stored.tokens + Math.max(0, now - stored.at) * rate);
    at = Math.max(stored.at, now);
  }
  if (tokens < 1 - EPSILON) return { verdict: [0, 0, (burst - tokens) / rate, (1 - tokens) / rate] };
  let write: AlgorithmStep["write"];
  if (commit) {
    tokens = tokens - 1;
    write = { state: { tokens, at }, ttlMs: Math.ceil((burst - tokens) / rate) + EXPIRY_SLACK_MS };
  }
  return { verdict: [1, Math.floor(tokens + EPSILON), (burst - tokens) / rate, 0], write };
};

const gcra: Algorithm = (state, now, limit, window, burst, commit) => {
  const interval = window / limit;
  let tat = Math.max((state as number | undefined) ?? now, now);
  const allowAt = tat + interval - burst * interval;
  if (allowAt - now > EPSILON) return { verdict: [0, 0, tat - now, allowAt - now] };
  let write: AlgorithmStep["write"];
  if (commit) {
    tat = tat + interval;
    write = { state: tat, ttlMs: Math.ceil(tat - now) + EXPIRY_SLACK_MS };
  }
  return {
    verdict: [1, Math.floor((now - tat + burst * interval) / interval + EPSILON), tat - now, 0],
    write,
  };
};

export const MEMORY_ALGORITHMS: Record<RateLimitAlgorithm, Algorithm> = {
  fixed_window: fixedWindow,
  sliding_window: slidingWindow,
  token_bucket: tokenBucket,
  gcra,
};

/** The same rounding the script applies to its results. */
export function roundVerdict([allowed, remaining, resetMs, retryMs]: Verdict): Verdict {
  return [
    allowed,
    remaining,
    Math.max(0, Math.ceil(resetMs - EPSILON)),
    Math.max(0, Math.ceil(retryMs - EPSILON)),
  ];
}
