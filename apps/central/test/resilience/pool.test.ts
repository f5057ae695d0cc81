import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CentralUnderTest } from "../support/harness.ts";
import {
  call,
  hits,
  type ScriptedUpstream,
  scriptedUpstream,
  startResilientCentral,
  waitFor,
} from "./support.ts";

let good: ScriptedUpstream;
let bad: ScriptedUpstream;
let fast: ScriptedUpstream;
let slow: ScriptedUpstream;
let central: CentralUnderTest;

beforeAll(async () => {
  [good, bad, fast, slow] = await Promise.all([
    scriptedUpstream(),
    scriptedUpstream(),
    scriptedUpstream(),
    scriptedUpstream(),
  ]);
  central = await startResilientCentral(`
  - name: ejecting
    path: /ejecting
    methods: [GET]
    auth: any
    upstream:
      urls: [${good.url}, ${bad.url}]
      outlierDetection: { consecutiveFailures: 2, baseEjectionMs: 600000, maxEjectionMs: 600000, maxEjectionPercent: 50 }
      healthCheck: { path: /health, intervalMs: 25, timeoutMs: 20, healthyThreshold: 2, unhealthyThreshold: 100 }
    circuitBreaker: { enabled: false }
    retry: { attempts: 1 }
  - name: least
    path: /least
    methods: [GET]
    auth: any
    upstream:
      urls: [${slow.url}, ${fast.url}]
      balancer: least_outstanding
    timeouts: { firstByteMs: 60000 }
  - name: shedding
    path: /shedding
    methods: [GET]
    auth: any
    upstream: ${slow.url}
    timeouts: { firstByteMs: 60000 }
    concurrency: { limit: 2, queue: 1, queueTimeoutMs: 60000 }
`);
});

afterAll(async () => {
  await central?.close();
  await Promise.all([good, bad, fast, slow].map((u) => u?.close()));
});

describe("outlier ejection and active health checks", () => {
  it("an ejected target gets no traffic until a health check brings it back", async () => {
    bad.setStatus(500);
    // Round robin: good, bad, good, bad → the second failure in a row ejects `bad`.
    for (let i = 0; i < 4; i++) await call(central, "/ejecting");
    expect(hits(bad)).toBe(2);
    expect(
      central.logs.filter((l) => l.msg === "upstream target ejected" && l.target === bad.url),
    ).toHaveLength(1);

    const goodBefore = hits(good);
    for (let i = 0; i < 10; i++) expect((await call(central, "/ejecting")).status).toBe(200);
    expect(hits(bad)).toBe(2);
    expect(hits(good) - goodBefore).toBe(10);

    bad.setStatus(200);
    await waitFor(
      () => central.logs.some((l) => l.msg === "upstream target returned" && l.target === bad.url),
      "the health check to return the target",
    );
    for (let i = 0; i < 4; i++) expect((await call(central, "/ejecting")).status).toBe(200);
    expect(hits(bad)).toBe(4);
  });

  it("never ejects more than maxEjectionPercent of the pool", async () => {
    good.setStatus(500);
    bad.setStatus(500);
    for (let i = 0; i < 12; i++) expect((await call(central, "/ejecting")).status).toBe(500);
    const snapshot = (await (await fetch(`${central.url}/readyz?verbose`)).json()) as {
      upstreams: { ejecting: { targets: Array<{ ejected: boolean }> } };
    };
    expect(snapshot.upstreams.ejecting.targets.filter((t) => t.ejected)).toHaveLength(1);
    good.setStatus(200);
    bad.setStatus(200);
  });
});

describe("least outstanding requests", () => {
  it("sends fewer requests to a slow target", async () => {
    slow.setStatus("hold");
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < 10; i++) {
      const slowBefore = hits(slow);
      const answer = call(central, "/least");
      pending.push(answer);
      // Each request either comes back (fast) or sits at the slow target.
      await Promise.race([answer, waitFor(() => hits(slow) > slowBefore, "a request at the slow target")]);
    }
    expect(hits(slow)).toBeLessThanOrEqual(1);
    expect(hits(fast)).toBeGreaterThanOrEqual(9);
    slow.releaseAll(200);
    await Promise.all(pending);
  });
});

async function queuedNow(): Promise<number> {
  const body = (await (await fetch(`${central.url}/readyz?verbose`)).json()) as {
    upstreams: { shedding: { concurrency: { queued: number } } };
  };
  return body.upstreams.shedding.concurrency.queued;
}

describe("bulkhead", () => {
  it("admits the limit, queues the queue, answers 503 overloaded at once beyond", async () => {
    slow.setStatus("hold");
    const before = hits(slow);
    const admitted = [call(central, "/shedding"), call(central, "/shedding")];
    await waitFor(() => hits(slow) - before === 2, "two requests at the upstream");
    const queued = call(central, "/shedding");
    await waitFor(async () => (await queuedNow()) === 1, "one request queued");
    const shed = await call(central, "/shedding");
    expect(shed.status).toBe(503);
    expect(shed.headers.get("retry-after")).toBe("1");
    expect(shed.json().error).toMatchObject({ code: "overloaded" });
    slow.releaseAll(200);
    await waitFor(() => hits(slow) - before === 3, "the queued request at the upstream");
    slow.releaseAll(200);
    expect((await Promise.all([...admitted, queued])).map((a) => a.status)).toEqual([200, 200, 200]);
    slow.setStatus(200);
  });
});
