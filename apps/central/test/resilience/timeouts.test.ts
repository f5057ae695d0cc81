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

let slow: ScriptedUpstream;
let central: CentralUnderTest;

beforeAll(async () => {
  slow = await scriptedUpstream();
  slow.setStatus("hold");
  central = await startResilientCentral(`
  - name: slow
    path: /slow
    methods: [GET]
    auth: any
    upstream: ${slow.url}
    timeouts: { connectMs: 100, firstByteMs: 250 }
  - name: total
    path: /total
    methods: [GET]
    auth: any
    upstream: ${slow.url}
    timeouts: { firstByteMs: 200, totalMs: 300 }
    retry: { attempts: 3, on: [timeout], backoff: { baseMs: 1, maxMs: 1 } }
  - name: patient
    path: /patient
    methods: [GET]
    auth: any
    upstream: ${slow.url}
    timeouts: { firstByteMs: 10000 }
`);
});

afterAll(async () => {
  await central?.close();
  await slow?.close();
});

describe("timeouts", () => {
  it("a slow upstream gets 504 upstream_timeout at the first-byte timeout, once (timeouts are not retried by default)", async () => {
    const started = performance.now();
    const answer = await call(central, "/slow");
    expect(answer.status).toBe(504);
    expect(answer.json().error).toMatchObject({ code: "upstream_timeout" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    expect(hits(slow)).toBe(1);
    // The upstream request was cut, not left open.
    await waitFor(() => slow.held() === 0, "the upstream request closed");
  });

  it("the total timeout bounds the exchange, retries included", async () => {
    const before = hits(slow);
    const started = performance.now();
    const answer = await call(central, "/total");
    expect(answer.status).toBe(504);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    // First attempt timed out at 200 ms, the retry was cut by the total timeout at 300 ms.
    expect(hits(slow) - before).toBe(2);
    await waitFor(() => slow.held() === 0, "the upstream request closed");
  });

  it("a client that goes away cancels the upstream request", async () => {
    const controller = new AbortController();
    const pending = call(central, "/patient", { signal: controller.signal }).catch(() => "aborted");
    await waitFor(() => slow.held() === 1, "the request at the upstream");
    controller.abort();
    expect(await pending).toBe("aborted");
    await waitFor(() => slow.held() === 0, "the upstream request cancelled");
  });
});
