// A real central process (`node src/main.ts`) whose Redis dies and comes back:
// each rate-limit policy's declared fail mode applies, nothing hangs, the outage
// is logged once (not per request), /readyz shows it, and exact limiting resumes.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createHmacIdentitySigner,
  generateHopSecret,
  generateIdentityKeyPair,
  type IdentitySigner,
} from "@gateway/identity";
import { freePort, type RedisServerHandle, startRedisServer } from "@gateway/testing";
import { IDENTITY_HEADER } from "@gateway/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RecordingUpstream, startUpstream } from "./support/upstream.ts";

/** The HS256 key this test's "edge" shares with central (EDGE_CENTRAL_KEYS). */
const edgeHop = generateHopSecret("edge-o-hop");

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const ANSWER_WITHIN_MS = 1000;

let dir: string;
let redis: RedisServerHandle;
let upstream: RecordingUpstream;
let signer: IdentitySigner;
let central: { url: string; child: ChildProcess; exit: Promise<unknown>; logs: () => string[] };

function configYaml(upstreamUrl: string): string {
  return `version: 1
identity: { ttlSeconds: 30, clockSkewSeconds: 5, replayProtection: true, replayFailMode: open }
jwt:
  issuers:
    - { name: test, issuer: https://issuer.test, jwksUrl: http://127.0.0.1:9/jwks.json, audiences: [api], algorithms: [ES256] }
rateLimits:
  policies:
    - { name: lenient, algorithm: sliding_window, limit: 1000, windowSeconds: 60, key: [consumer], failMode: open }
    - { name: strict, algorithm: fixed_window, limit: 1000, windowSeconds: 60, key: [consumer], failMode: closed }
    - { name: exact, algorithm: token_bucket, limit: 3, windowSeconds: 3600, key: [consumer], failMode: closed }
routes:
  - { name: open, path: /open, methods: [GET], auth: jwt, upstream: ${upstreamUrl}, rateLimit: [lenient] }
  - { name: closed, path: /closed, methods: [GET], auth: jwt, upstream: ${upstreamUrl}, rateLimit: [strict] }
  - { name: exact, path: /exact, methods: [GET], auth: jwt, upstream: ${upstreamUrl}, rateLimit: [exact] }
`;
}

async function call(
  path: string,
  sub = "outage-user",
): Promise<{ status: number; ms: number; headers: Headers }> {
  const token = await signer.sign({
    identity: { sub, roles: [], scopes: [], auth: "jwt" },
    audience: "central",
    method: "GET",
    pathAndQuery: path,
  });
  const started = performance.now();
  const response = await fetch(`${central.url}${path}`, {
    headers: { [IDENTITY_HEADER]: token },
    signal: AbortSignal.timeout(5000),
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started, headers: response.headers };
}

function logCount(message: string): number {
  return central.logs().filter((line) => line.includes(message)).length;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "central-outage-"));
  redis = await startRedisServer();
  upstream = await startUpstream();
  const centralKey = await generateIdentityKeyPair("central-o");
  signer = await createHmacIdentitySigner({ secretJwk: edgeHop, issuer: "edge", ttlSeconds: 30 });
  await writeFile(join(dir, "gateway.config.yaml"), configYaml(upstream.url));
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      GATEWAY_CONFIG: join(dir, "gateway.config.yaml"),
      CENTRAL_PORT: String(port),
      REDIS_URL: redis.url,
      LOG_LEVEL: "debug",
      EDGE_CENTRAL_KEYS: JSON.stringify({ keys: [edgeHop] }),
      CENTRAL_IDENTITY_PRIVATE_JWK: JSON.stringify(centralKey.privateJwk),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  central = {
    url: `http://127.0.0.1:${port}`,
    child,
    exit: new Promise((resolve) => child.once("exit", resolve)),
    logs: () => lines,
  };
  for (let attempt = 0; attempt < 200; attempt++) {
    const ready = await fetch(`${central.url}/readyz`).catch(() => undefined);
    if (ready?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`central did not become ready:\n${lines.join("\n")}`);
}, 30_000);

afterAll(async () => {
  central?.child.kill("SIGTERM");
  await central?.exit;
  await redis?.kill("SIGKILL");
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("central when Redis dies and comes back", () => {
  it("limits exactly while Redis is up", async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call("/exact", "before-outage")).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const open = await call("/open");
    expect(open.status).toBe(200);
    expect(open.headers.get("ratelimit")).toMatch(/^"lenient";r=\d+;t=\d+$/);
  });

  it("during the outage applies each policy's fail mode, answers fast, logs once and is not ready", async () => {
    await redis.kill("SIGKILL");
    const results = [];
    for (let i = 0; i < 10; i++) {
      results.push(await call("/open"), await call("/closed"));
    }
    const open = results.filter((_, index) => index % 2 === 0);
    const closed = results.filter((_, index) => index % 2 === 1);
    expect(open.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(open.every((r) => r.headers.get("ratelimit") === null)).toBe(true);
    expect(closed.map((r) => r.status)).toEqual(Array(10).fill(503));
    expect(closed.every((r) => r.headers.get("retry-after") === "1")).toBe(true);
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(ANSWER_WITHIN_MS);

    await expect.poll(() => logCount("rate limit store unavailable")).toBe(1);
    await expect.poll(() => logCount("replay store unavailable")).toBe(1);
    const ready = await fetch(`${central.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain("redis");
    expect((await fetch(`${central.url}/healthz`)).status).toBe(200);
  });

  it("returns to exact limiting once Redis is back, and logs the recovery once", async () => {
    // Several reconnects fail (debug lines) before Redis returns, yet the outage is one warning.
    await expect
      .poll(() => logCount("redis connection attempt failed"), { timeout: 10_000, interval: 100 })
      .toBeGreaterThanOrEqual(3);
    expect(logCount('"msg":"redis unavailable"')).toBe(1);
    await redis.restart();
    await expect
      .poll(async () => (await call("/closed", "after-outage-probe")).status, {
        timeout: 10_000,
        interval: 200,
      })
      .toBe(200);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call("/exact", "after-outage")).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // Logs are written asynchronously: wait for the line, then make sure there is only one.
    await expect.poll(() => logCount("rate limit store recovered")).toBe(1);
    // The connection itself: one line down, one line back, however many reconnects failed between.
    await expect.poll(() => logCount('"msg":"redis recovered"')).toBe(1);
    expect(logCount('"msg":"redis unavailable"')).toBe(1);
    expect(logCount("redis error")).toBe(0);
    expect((await fetch(`${central.url}/readyz`)).status).toBe(200);
  });
});
