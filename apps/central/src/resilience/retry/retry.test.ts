import { describe, expect, it } from "vitest";
import { backoffMs } from "./backoff.ts";
import { createRetryBudget } from "./budget.ts";
import { isRetryable } from "./conditions.ts";

describe("retry budget", () => {
  it("allows retries up to percent of the requests in the window", () => {
    let time = 0;
    const budget = createRetryBudget({ percent: 20, windowMs: 10_000, minRetriesPerSecond: 0 }, () => time);
    for (let i = 0; i < 10; i++) budget.recordRequest();
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, false]);
    time += 20_000;
    expect(budget.tryRetry()).toBe(false);
    for (let i = 0; i < 5; i++) budget.recordRequest();
    expect(budget.tryRetry()).toBe(true);
  });

  it("minRetriesPerSecond keeps a floor for quiet routes", () => {
    const budget = createRetryBudget({ percent: 0, windowMs: 10_000, minRetriesPerSecond: 1 }, () => 0);
    const granted = Array.from({ length: 12 }, () => budget.tryRetry()).filter(Boolean);
    expect(granted).toHaveLength(10);
  });
});

describe("backoff and conditions", () => {
  it("full jitter under an exponential, capped ceiling", () => {
    const backoff = { baseMs: 100, maxMs: 1000 };
    expect(backoffMs(1, backoff, () => 0.999)).toBe(99);
    expect(backoffMs(3, backoff, () => 0.5)).toBe(200);
    expect(backoffMs(10, backoff, () => 0.5)).toBe(500);
    expect(backoffMs(2, backoff, () => 0)).toBe(0);
  });

  it("maps failures and statuses to the configured conditions; 4xx never", () => {
    expect(isRetryable("connect_timeout", undefined, ["connect_error"])).toBe(true);
    expect(isRetryable("timeout", undefined, ["connect_error"])).toBe(false);
    expect(isRetryable(undefined, 503, ["503"])).toBe(true);
    expect(isRetryable(undefined, 502, ["503"])).toBe(false);
    expect(isRetryable(undefined, 500, ["5xx"])).toBe(true);
    expect(isRetryable(undefined, 404, ["5xx"])).toBe(false);
  });
});
