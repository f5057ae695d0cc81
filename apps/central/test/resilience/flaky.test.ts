import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CentralUnderTest } from "../support/harness.ts";
import {
  call,
  hits,
  manualClock,
  type ScriptedUpstream,
  scriptedUpstream,
  startResilientCentral,
} from "./support.ts";

let flaky: ScriptedUpstream;
let missing: ScriptedUpstream;
let central: CentralUnderTest;

// 3 failures in every 10 requests, never two in a row: a fixed pattern, not randomness.
const FAILING = new Set([0, 3, 6]);

beforeAll(async () => {
  flaky = await scriptedUpstream();
  missing = await scriptedUpstream();
  flaky.setStatus((n) => (FAILING.has(n % 10) ? 500 : 200));
  missing.setStatus(404);
  const breaker =
    "circuitBreaker: { consecutiveFailures: 3, errorRatePercent: 50, minimumRequests: 10, windowMs: 60000 }";
  central = await startResilientCentral(
    `
  - { name: flaky, path: /flaky, methods: [GET], auth: any, upstream: ${flaky.url}, ${breaker}, retry: { attempts: 1 } }
  - { name: missing, path: /missing, methods: [GET], auth: any, upstream: ${missing.url}, ${breaker} }
`,
    { now: manualClock().now },
  );
});

afterAll(async () => {
  await central?.close();
  await flaky?.close();
  await missing?.close();
});

describe("failures below the thresholds never open the breaker", () => {
  it("30% of requests failing (below 50%, never 3 in a row): every request reaches the upstream", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await call(central, "/flaky")).status);
    expect(statuses.filter((s) => s === 500)).toHaveLength(18);
    expect(statuses.filter((s) => s === 200)).toHaveLength(42);
    expect(hits(flaky)).toBe(60);
    expect(central.logs.filter((l) => l.msg === "circuit breaker opened")).toHaveLength(0);
  });

  it("4xx answers never count as failures", async () => {
    for (let i = 0; i < 40; i++) expect((await call(central, "/missing")).status).toBe(404);
    expect(hits(missing)).toBe(40);
    expect(central.logs.filter((l) => l.msg === "circuit breaker opened")).toHaveLength(0);
  });
});
