import { describe, expect, it } from "vitest";
import { slidingLogHit } from "./sliding-log.ts";

describe("slidingLogHit", () => {
  it("admits limit per window and says exactly when the next slot frees", () => {
    const log: number[] = [];
    expect(slidingLogHit(log, 0, 2, 1000).decision).toEqual({
      allowed: true,
      remaining: 1,
      resetMs: 1000,
      retryAfterMs: 0,
    });
    expect(slidingLogHit(log, 300, 2, 1000).decision.remaining).toBe(0);
    expect(slidingLogHit(log, 500, 2, 1000).decision).toEqual({
      allowed: false,
      remaining: 0,
      resetMs: 800,
      retryAfterMs: 500,
    });
    expect(slidingLogHit(log, 999, 2, 1000).decision.allowed).toBe(false);
    const freed = slidingLogHit(log, 1000, 2, 1000);
    expect(freed).toEqual({
      decision: { allowed: true, remaining: 0, resetMs: 1000, retryAfterMs: 0 },
      pruned: 1,
    });
    expect(log).toEqual([300, 1000]);
  });

  it("denied requests are not logged", () => {
    const log: number[] = [];
    slidingLogHit(log, 0, 1, 1000);
    for (let t = 1; t < 1000; t += 100) slidingLogHit(log, t, 1, 1000);
    expect(log).toEqual([0]);
  });

  it("after the limit is lowered, waits until the count is below the new limit", () => {
    const log = [0, 100, 200, 300];
    expect(slidingLogHit(log, 400, 2, 1000).decision.retryAfterMs).toBe(800); // 200 leaves at 1200
  });
});
