import {
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_CONCURRENCY,
  DEFAULT_OUTLIER_DETECTION,
  DEFAULT_RETRY,
} from "@gateway/types";
import { describe, expect, it } from "vitest";
import { baseDocument, issuesOf } from "../../test/fixtures.ts";
import { compileCentral } from "../compile.ts";
import { validateConfig } from "../parse-config.ts";

function withRoute(patch: Record<string, unknown>) {
  const doc = baseDocument();
  doc.routes[0] = { ...doc.routes[0], ...patch };
  return doc;
}

describe("route resilience settings", () => {
  it("compile with production defaults into the central config", () => {
    const route = compileCentral(validateConfig(baseDocument(), {})).routes[0];
    expect(route?.circuitBreaker).toEqual(DEFAULT_CIRCUIT_BREAKER);
    expect(route?.retry).toEqual(DEFAULT_RETRY);
    expect(route?.concurrency).toEqual(DEFAULT_CONCURRENCY);
    expect(route?.upstream.outlierDetection).toEqual(DEFAULT_OUTLIER_DETECTION);
    expect(route?.timeouts).toEqual({ connectMs: 5000, firstByteMs: 10_000 });
  });

  it("accept weighted targets, a balancer and health checks", () => {
    const doc = withRoute({
      upstream: {
        targets: [{ url: "http://a:1", weight: 3 }, { url: "http://b:1" }],
        balancer: { strategy: "consistent_hash", hashBy: "header", header: "X-Tenant" },
        healthCheck: { path: "/healthz" },
      },
      retry: { on: ["connect_error", 503] },
    });
    const route = validateConfig(doc, {}).routes[0];
    expect(route?.upstream).toMatchObject({
      urls: ["http://a:1", "http://b:1"],
      weights: [3, 1],
      balancer: { strategy: "consistent_hash", hashBy: "header", header: "x-tenant" },
      healthCheck: { path: "/healthz", intervalMs: 5000, timeoutMs: 1000, expectedStatuses: [200] },
    });
    expect(route?.retry?.on).toEqual(["connect_error", "503"]);
  });

  it.each([
    [
      "timeoutMs and timeouts.firstByteMs",
      { timeoutMs: 100, timeouts: { firstByteMs: 100 } },
      ["routes[0].timeoutMs: is a shorthand for timeouts.firstByteMs: set only one of them"],
    ],
    [
      "connect after first byte",
      { timeouts: { connectMs: 200, firstByteMs: 100 } },
      ["routes[0].timeouts.connectMs: must not exceed the first-byte timeout (100)"],
    ],
    [
      "total below first byte",
      { timeouts: { firstByteMs: 100, totalMs: 50 } },
      ["routes[0].timeouts.totalMs: must be at least the first-byte timeout (100)"],
    ],
    [
      "half-open trials zero",
      { circuitBreaker: { halfOpenTrials: 0 } },
      ["routes[0].circuitBreaker.halfOpenTrials: must be a positive integer"],
    ],
    [
      "half-open trials above minimumRequests",
      { circuitBreaker: { halfOpenTrials: 30, minimumRequests: 20 } },
      ["routes[0].circuitBreaker.halfOpenTrials: must not exceed circuitBreaker.minimumRequests (20)"],
    ],
    [
      "error rate over 100",
      { circuitBreaker: { errorRatePercent: 150 } },
      ["routes[0].circuitBreaker.errorRatePercent: must be at most 100"],
    ],
    [
      "retries without conditions",
      { retry: { attempts: 3, on: [] } },
      ["routes[0].retry.on: must list at least one condition when attempts > 1 (or set attempts: 1)"],
    ],
    [
      "backoff base above max",
      { retry: { backoff: { baseMs: 500, maxMs: 100 } } },
      ["routes[0].retry.backoff.baseMs: must not exceed retry.backoff.maxMs (100)"],
    ],
    [
      "unknown retry condition",
      { retry: { on: ["teapot"] } },
      [
        'routes[0].retry.on[0]: must be one of 502, 503, 504, connect_error, timeout, reset, 5xx (got "teapot")',
      ],
    ],
    [
      "max ejection percent over 100",
      { upstream: { urls: ["http://a:1"], outlierDetection: { maxEjectionPercent: 101 } } },
      ["routes[0].upstream.outlierDetection.maxEjectionPercent: must be at most 100"],
    ],
    [
      "ejection base above max",
      { upstream: { urls: ["http://a:1"], outlierDetection: { baseEjectionMs: 10, maxEjectionMs: 5 } } },
      [
        "routes[0].upstream.outlierDetection.baseEjectionMs: must not exceed outlierDetection.maxEjectionMs (5)",
      ],
    ],
    [
      "health check timeout above interval",
      { upstream: { urls: ["http://a:1"], healthCheck: { path: "/h", intervalMs: 100, timeoutMs: 200 } } },
      ["routes[0].upstream.healthCheck.timeoutMs: must not exceed healthCheck.intervalMs (100)"],
    ],
    [
      "both urls and targets",
      { upstream: { urls: ["http://a:1"], targets: [{ url: "http://b:1" }] } },
      ["routes[0].upstream: must have exactly one of urls or targets"],
    ],
    [
      "hash header without consistent_hash",
      {
        upstream: {
          urls: ["http://a:1"],
          balancer: { strategy: "round_robin", hashBy: "header", header: "x" },
        },
      },
      ["routes[0].upstream.balancer.hashBy: only applies to strategy consistent_hash"],
    ],
    [
      "hashBy header without a header",
      { upstream: { urls: ["http://a:1"], balancer: { strategy: "consistent_hash", hashBy: "header" } } },
      ["routes[0].upstream.balancer.header: is required with hashBy: header"],
    ],
    [
      "unknown knob",
      { circuitBreaker: { threshold: 3 } },
      ["routes[0].circuitBreaker.threshold: unknown key"],
    ],
  ])("reject %s", (_name, patch, expected) => {
    expect(issuesOf(withRoute(patch))).toEqual(expected);
  });
});
