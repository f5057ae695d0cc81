import { freePort } from "@gateway/testing";
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

let failing: ScriptedUpstream;
let healthy: ScriptedUpstream;
let central: CentralUnderTest;

const NO_BREAKER = "circuitBreaker: { enabled: false }";
const POOL = "outlierDetection: { enabled: false }";

beforeAll(async () => {
  failing = await scriptedUpstream();
  healthy = await scriptedUpstream();
  failing.setStatus(503);
  const down = `http://127.0.0.1:${await freePort()}`;
  central = await startResilientCentral(
    `
  - name: budgeted
    path: /budgeted
    methods: [GET, POST]
    auth: any
    upstream: { urls: [${failing.url}/budgeted], ${POOL} }
    ${NO_BREAKER}
    retry: { attempts: 3, on: [5xx], backoff: { baseMs: 1, maxMs: 1 }, budget: { percent: 20, windowMs: 60000, minRetriesPerSecond: 0 } }
  - name: other-target
    path: /other-target
    methods: [GET]
    auth: any
    upstream: { urls: [${failing.url}/other, ${healthy.url}/other], ${POOL} }
    ${NO_BREAKER}
    retry: { attempts: 2, on: [503], backoff: { baseMs: 1, maxMs: 1 } }
  - name: defaults
    path: /defaults
    methods: [GET]
    auth: any
    upstream: { urls: [${down}, ${healthy.url}/defaults] }
  - name: bodies
    path: /bodies
    methods: [PUT]
    auth: any
    upstream:
      targets: [{ url: "${down}", weight: 100 }, { url: "${healthy.url}/bodies", weight: 1 }]
      ${POOL}
    ${NO_BREAKER}
    retry: { maxBufferedBodyBytes: 16 }
`,
    { now: manualClock().now, random: () => 0.5 },
  );
});

afterAll(async () => {
  await central?.close();
  await failing?.close();
  await healthy?.close();
});

const hitsOn = (upstream: ScriptedUpstream, prefix: string) =>
  upstream.requests.filter((r) => r.url.startsWith(prefix)).length;

describe("retries", () => {
  it("stay within the retry budget: 20% of 20 requests = 4 retries, whatever attempts allows", async () => {
    for (let i = 0; i < 20; i++) expect((await call(central, "/budgeted")).status).toBe(503);
    // Without a budget, 3 attempts each would be 60 hits.
    expect(hitsOn(failing, "/budgeted")).toBe(24);
  });

  it("never retry a method that is not idempotent (POST) unless configured", async () => {
    const before = hitsOn(failing, "/budgeted");
    for (let i = 0; i < 5; i++)
      expect((await call(central, "/budgeted", { method: "POST", body: "x" })).status).toBe(503);
    expect(hitsOn(failing, "/budgeted") - before).toBe(5);
  });

  it("go to another target when there is one", async () => {
    const answer = await call(central, "/other-target");
    expect(answer.status).toBe(200);
    expect(hitsOn(failing, "/other")).toBe(1);
    expect(hitsOn(healthy, "/other")).toBe(1);
  });

  it("by default, a refused connection is retried on the next target (GET)", async () => {
    const answer = await call(central, "/defaults");
    expect(answer.status).toBe(200);
    expect(hitsOn(healthy, "/defaults")).toBe(1);
  });

  it("a body recorded whole on the way to the failed target is resent to the next one", async () => {
    const answer = await call(central, "/bodies", { method: "PUT", body: "0123456789abcdef" });
    expect(answer.status).toBe(200);
    const received = healthy.requests.filter((r) => r.url.startsWith("/bodies")).at(-1);
    expect(received?.method).toBe("PUT");
    expect(received?.body.toString()).toBe("0123456789abcdef");
  });

  it("a body larger than maxBufferedBodyBytes is not retried: the first failure is answered", async () => {
    const before = hitsOn(healthy, "/bodies");
    const answer = await call(central, "/bodies", { method: "PUT", body: "0123456789abcdef!" });
    expect(answer.status).toBe(502);
    expect(answer.json().error).toMatchObject({ code: "upstream_error", message: "upstream is unreachable" });
    expect(hitsOn(healthy, "/bodies")).toBe(before);
  });

  it("a 5xx is relayed as is when it may not be retried", async () => {
    const answer = await call(central, "/budgeted", { method: "POST", body: "y" });
    expect(answer.status).toBe(503);
    expect(answer.body).toBe("status 503");
    expect(hits(failing)).toBeGreaterThan(0);
  });
});
