import { freePort } from "@gateway/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CentralUnderTest } from "../support/harness.ts";
import {
  call,
  hits,
  type ManualClock,
  manualClock,
  type ScriptedUpstream,
  scriptedUpstream,
  startResilientCentral,
  waitFor,
} from "./support.ts";

let upstream: ScriptedUpstream;
let central: CentralUnderTest;
let clock: ManualClock;
let downUrl: string;

beforeAll(async () => {
  upstream = await scriptedUpstream();
  clock = manualClock();
  downUrl = `http://127.0.0.1:${await freePort()}`;
  central = await startResilientCentral(
    `
  - name: outage
    path: /outage
    methods: [GET]
    auth: any
    upstream: { urls: [${upstream.url}], outlierDetection: { enabled: false } }
    circuitBreaker: { consecutiveFailures: 3, openMs: 10000, halfOpenTrials: 2, minimumRequests: 20 }
    retry: { attempts: 1 }
  - name: refused
    path: /refused
    methods: [GET]
    auth: any
    upstream: { urls: [${downUrl}], outlierDetection: { enabled: false } }
    circuitBreaker: { consecutiveFailures: 2, openMs: 30000 }
    retry: { attempts: 1 }
`,
    { now: clock.now },
  );
});

afterAll(async () => {
  await central?.close();
  await upstream?.close();
});

function logged(msg: string, route: string): number {
  return central.logs.filter((line) => line.msg === msg && line.route === route).length;
}

describe("circuit breaker through central's port", () => {
  it("a hard outage opens it after the configured failures; then central answers 503 without calling the upstream", async () => {
    upstream.setStatus(500);
    for (let i = 0; i < 3; i++) expect((await call(central, "/outage/x")).status).toBe(500);
    expect(hits(upstream)).toBe(3);
    expect(logged("circuit breaker opened", "outage")).toBe(1);

    for (let i = 0; i < 5; i++) {
      const answer = await call(central, "/outage/x");
      expect(answer.status).toBe(503);
      expect(answer.headers.get("retry-after")).toBe("10");
      expect(answer.json().error).toMatchObject({ code: "upstream_unavailable" });
      expect(answer.json().error?.requestId).toMatch(/.+/);
    }
    expect(hits(upstream)).toBe(3);
    expect(logged("circuit breaker opened", "outage")).toBe(1);
  });

  it("/readyz?verbose shows the open breaker; plain /readyz is unchanged", async () => {
    const verbose = (await (await fetch(`${central.url}/readyz?verbose`)).json()) as {
      upstreams: Record<string, { targets: Array<{ target: string; breaker: { state: string } }> }>;
    };
    expect(verbose.upstreams.outage?.targets[0]).toMatchObject({
      target: upstream.url,
      breaker: { state: "open" },
    });
    expect(await (await fetch(`${central.url}/readyz`)).json()).toEqual({ status: "ready", checks: [] });
  });

  it("half-open admits exactly the configured trials among concurrent requests, and their success closes it", async () => {
    clock.advance(10_000);
    upstream.setStatus("hold");
    const before = hits(upstream);
    let settled = 0;
    const answers = Array.from({ length: 8 }, () =>
      call(central, "/outage/trial").then((answer) => {
        settled++;
        return answer;
      }),
    );
    // The trials reach the upstream and wait there; every other request is refused at once.
    await waitFor(() => upstream.held() === 2 && settled === 6, "two trials held, six requests refused");
    upstream.releaseAll(200);
    const statuses = (await Promise.all(answers)).map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 503, 503, 503, 503, 503, 503]);
    expect(hits(upstream) - before).toBe(2);
    expect(logged("circuit breaker half-open", "outage")).toBe(1);
    expect(logged("circuit breaker closed", "outage")).toBe(1);

    upstream.setStatus(200);
    expect((await call(central, "/outage/after")).status).toBe(200);
    expect(hits(upstream) - before).toBe(3);
  });

  it("a failing trial opens it again", async () => {
    upstream.setStatus(500);
    for (let i = 0; i < 3; i++) await call(central, "/outage/again");
    expect(logged("circuit breaker opened", "outage")).toBe(2);
    clock.advance(10_000);
    const before = hits(upstream);
    expect((await call(central, "/outage/trial")).status).toBe(500);
    expect(logged("circuit breaker opened", "outage")).toBe(3);
    expect((await call(central, "/outage/trial")).status).toBe(503);
    expect(hits(upstream) - before).toBe(1);
  });

  it("refused connections count: 502 upstream_error twice, then 503 upstream_unavailable", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(central, "/refused")).status);
    expect(statuses).toEqual([502, 502, 503, 503]);
    expect(logged("circuit breaker opened", "refused")).toBe(1);
  });
});
