import { DEFAULT_CIRCUIT_BREAKER } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { createCircuitBreaker } from "./index.ts";

function setup(overrides: Partial<typeof DEFAULT_CIRCUIT_BREAKER> = {}) {
  let time = 0;
  const changes: string[] = [];
  const breaker = createCircuitBreaker(
    {
      ...DEFAULT_CIRCUIT_BREAKER,
      consecutiveFailures: 3,
      minimumRequests: 10,
      errorRatePercent: 50,
      ...overrides,
    },
    { now: () => time, onStateChange: (from, to) => changes.push(`${from}->${to}`) },
  );
  const run = (failed: boolean) => {
    const permit = breaker.tryAcquire();
    if (permit === undefined) return "refused";
    if (failed) permit.failure();
    else permit.success();
    return "ran";
  };
  return { breaker, changes, run, advance: (ms: number) => (time += ms) };
}

describe("circuit breaker", () => {
  it("opens on consecutive failures, refuses while open, reports the remaining open time", () => {
    const { breaker, run, changes, advance } = setup();
    run(true);
    run(true);
    expect(breaker.state()).toBe("closed");
    run(true);
    expect(breaker.state()).toBe("open");
    expect(run(false)).toBe("refused");
    advance(1000);
    expect(breaker.retryAfterMs()).toBe(DEFAULT_CIRCUIT_BREAKER.openMs - 1000);
    expect(changes).toEqual(["closed->open"]);
  });

  it("opens on the error rate only once the window holds minimumRequests", () => {
    const { breaker, run } = setup({ consecutiveFailures: 100 });
    for (let i = 0; i < 4; i++) {
      run(false);
      run(true);
    }
    // 4 of 8 failed: 50%, but below minimumRequests (10).
    expect(breaker.state()).toBe("closed");
    run(false);
    run(true);
    expect(breaker.state()).toBe("open");
  });

  it("forgets failures that left the rolling window", () => {
    const { breaker, run, advance } = setup({ consecutiveFailures: 100, windowMs: 10_000 });
    for (let i = 0; i < 9; i++) run(true);
    advance(20_000);
    run(true);
    expect(breaker.snapshot().window).toEqual({ requests: 1, failures: 1 });
    expect(breaker.state()).toBe("closed");
  });

  it("half-open admits exactly halfOpenTrials permits; closes when all succeed", () => {
    const { breaker, run, advance, changes } = setup({ halfOpenTrials: 3 });
    for (let i = 0; i < 3; i++) run(true);
    advance(DEFAULT_CIRCUIT_BREAKER.openMs);
    const permits = Array.from({ length: 10 }, () => breaker.tryAcquire());
    expect(permits.filter((p) => p !== undefined)).toHaveLength(3);
    permits[0]?.success();
    permits[1]?.success();
    expect(breaker.state()).toBe("half_open");
    permits[2]?.success();
    expect(breaker.state()).toBe("closed");
    expect(changes).toEqual(["closed->open", "open->half_open", "half_open->closed"]);
  });

  it("a released trial (client left) frees its slot; a failed one reopens", () => {
    const { breaker, run, advance } = setup({ halfOpenTrials: 1 });
    for (let i = 0; i < 3; i++) run(true);
    advance(DEFAULT_CIRCUIT_BREAKER.openMs);
    const first = breaker.tryAcquire();
    expect(breaker.tryAcquire()).toBeUndefined();
    first?.release();
    const second = breaker.tryAcquire();
    expect(second).toBeDefined();
    second?.failure();
    expect(breaker.state()).toBe("open");
  });

  it("outcomes of requests admitted before the state changed do not move it", () => {
    const { breaker, run, advance } = setup({ halfOpenTrials: 1 });
    const stale = breaker.tryAcquire();
    for (let i = 0; i < 3; i++) run(true);
    advance(DEFAULT_CIRCUIT_BREAKER.openMs);
    const trial = breaker.tryAcquire();
    stale?.failure();
    expect(breaker.state()).toBe("half_open");
    trial?.success();
    expect(breaker.state()).toBe("closed");
  });

  it("disabled: always admits", () => {
    const { breaker, run } = setup({ enabled: false });
    for (let i = 0; i < 10; i++) run(true);
    expect(breaker.tryAcquire()).toBeDefined();
  });
});
