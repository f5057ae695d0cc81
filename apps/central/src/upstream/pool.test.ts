import { DEFAULT_BALANCER, DEFAULT_CIRCUIT_BREAKER, DEFAULT_OUTLIER_DETECTION } from "@gateway/types";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createUpstreamPool } from "./pool.ts";

function pool(overrides: { consecutiveFailures?: number; maxEjectionPercent?: number } = {}) {
  let time = 0;
  const changes: string[] = [];
  const created = createUpstreamPool(
    {
      name: "r",
      targets: [
        { id: "http://a", weight: 1 },
        { id: "http://b", weight: 1 },
      ],
      balancer: DEFAULT_BALANCER,
      circuitBreaker: { ...DEFAULT_CIRCUIT_BREAKER, consecutiveFailures: 2, openMs: 3000 },
      outlierDetection: {
        ...DEFAULT_OUTLIER_DETECTION,
        consecutiveFailures: overrides.consecutiveFailures ?? 100,
        maxEjectionPercent: overrides.maxEjectionPercent ?? 50,
      },
    },
    {
      logger: pino({ level: "silent" }),
      now: () => time,
      random: () => 0,
      onBreakerChange: (route, target, state) => changes.push(`${route} ${target} ${state}`),
    },
  );
  const failOn = (id: string) => {
    const picked = created.pick();
    if (!picked.ok) return picked;
    picked.lease.report(
      picked.lease.target.id === id
        ? { kind: "failure", failure: "connect_error", latencyMs: 1 }
        : { kind: "response", status: 200, latencyMs: 1 },
    );
    return picked;
  };
  return { pool: created, changes, failOn, advance: (ms: number) => (time += ms) };
}

describe("upstream pool", () => {
  it("skips a target whose breaker is open, refuses with retryAfter when all are", () => {
    const { pool: p, changes, failOn, advance } = pool();
    for (let i = 0; i < 4; i++) failOn("http://a");
    expect(changes).toEqual(["r http://a open"]);
    for (let i = 0; i < 2; i++) {
      const picked = p.pick();
      expect(picked.ok && picked.lease.target.id).toBe("http://b");
      if (picked.ok) picked.lease.report({ kind: "response", status: 503, latencyMs: 1 });
    }
    advance(1000);
    expect(p.pick()).toEqual({ ok: false, reason: "breaker_open", retryAfterMs: 2000 });
    expect(p.snapshot().map((t) => t.breaker.state)).toEqual(["open", "open"]);
    expect(changes).toEqual(["r http://a open", "r http://b open"]);
  });

  it("counts leases as outstanding until reported; a cancelled lease is neither success nor failure", () => {
    const { pool: p } = pool();
    const first = p.pick();
    const second = p.pick();
    expect(p.snapshot().map((t) => t.outstanding)).toEqual([1, 1]);
    if (first.ok) first.lease.report({ kind: "cancelled" });
    if (second.ok) {
      second.lease.report({ kind: "response", status: 404, latencyMs: 1 });
      second.lease.report({ kind: "failure", failure: "reset", latencyMs: 1 });
    }
    expect(p.snapshot().map((t) => [t.outstanding, t.breaker.consecutiveFailures])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it("ejects at most maxEjectionPercent of the pool", () => {
    const { pool: p, failOn } = pool({ consecutiveFailures: 1, maxEjectionPercent: 50 });
    failOn("http://a");
    expect(p.snapshot().map((t) => t.ejected)).toEqual([true, false]);
    const picked = p.pick();
    if (picked.ok) picked.lease.report({ kind: "failure", failure: "timeout", latencyMs: 1 });
    expect(p.snapshot().map((t) => t.ejected)).toEqual([true, false]);
  });
});
