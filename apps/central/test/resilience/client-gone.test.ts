import { connect } from "node:net";
import { IDENTITY_HEADER } from "@gateway/types";
import type { RequestHandler } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfigPreambleYaml } from "../support/config.ts";
import { type CentralUnderTest, startCentral } from "../support/harness.ts";
import { call, firstTargetBreaker, hits, type ScriptedUpstream, scriptedUpstream } from "./support.ts";

let upstream: ScriptedUpstream;
let central: CentralUnderTest;
/** Resolves when the held request's client has gone and the step has let it continue. */
let continuedAfterClientLeft: Promise<void> = Promise.resolve();
let holding: () => void = () => {};

/**
 * Stands in for the rate limit: requests to /held wait until their client has gone (as if
 * Redis were slow), then continue down the pipeline, as the real step does when its await ends.
 */
const holdUntilClientLeaves: RequestHandler = (req, res, next) => {
  if (!req.url.startsWith("/held")) return next();
  continuedAfterClientLeft = new Promise((resolve) => {
    res.once("close", () => {
      next();
      resolve();
    });
  });
  holding();
};

beforeAll(async () => {
  upstream = await scriptedUpstream();
  central = await startCentral({
    yaml: `${testConfigPreambleYaml({ replayProtection: false })}
routes:
  - name: held
    path: /held
    methods: [GET]
    auth: any
    upstream: { urls: [${upstream.url}], outlierDetection: { enabled: false } }
    timeoutMs: 300
    circuitBreaker: { consecutiveFailures: 1, openMs: 60000 }
  - name: open
    path: /open
    methods: [GET]
    auth: any
    upstream: { urls: [${upstream.url}] }
`,
    redis: "none",
    rateLimit: holdUntilClientLeaves,
  });
});

afterAll(async () => {
  await central?.close();
  await upstream?.close();
});

describe("a client that leaves while its request waits inside central", () => {
  it("is not forwarded: the service sees nothing, and its breaker records no failure", async () => {
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const token = await central.mint("GET", "/held/x");
    const socket = connect(central.port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write(`GET /held/x HTTP/1.1\r\nHost: central\r\n${IDENTITY_HEADER}: ${token}\r\n\r\n`);
    await held;
    socket.destroy();
    await continuedAfterClientLeft;
    // Longer than the route's 300 ms timeout: a forwarded request would have timed out by now.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(hits(upstream)).toBe(0);

    expect(await firstTargetBreaker(central, "held")).toMatchObject({
      state: "closed",
      consecutiveFailures: 0,
    });

    // The pipeline itself still forwards requests whose client stays.
    expect((await call(central, "/open/z")).status).toBe(200);
    expect(hits(upstream)).toBe(1);
  });
});
