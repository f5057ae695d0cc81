import type { Server } from "node:http";
import { type RedisServerHandle, startRedisServer } from "@gateway/testing";
import type { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../../../test/rate-limit/app.ts";
import { close, listen, timedGet } from "../../../test/rate-limit/http.ts";
import { policy } from "../../../test/rate-limit/policies.ts";
import { createCentralRedis } from "../../redis/index.ts";
import { createRateLimitPlugin, type RateLimitPlugin } from "./plugin.ts";
import { createRedisRateLimitStore } from "./store-redis.ts";

const open = policy("fixed_window", { limit: 3, windowSeconds: 3600, failMode: "open" });
const closed = policy("gcra", { limit: 3, windowSeconds: 3600, failMode: "closed" });
const logLines: Array<{ level: number; msg: string }> = [];
const logged = (msg: string) => logLines.filter((line) => line.msg === msg).length;

let redisServer: RedisServerHandle;
let redis: Redis;
let server: Server;
let base: string;
let plugin: RateLimitPlugin;

beforeAll(async () => {
  redisServer = await startRedisServer();
  // The client central runs with (main.ts): connection errors are reported by the plugin's outage log.
  redis = createCentralRedis(redisServer.url, () => {});
  await redis.connect();
  const logger = pino({ level: "info" }, { write: (line: string) => logLines.push(JSON.parse(line)) });
  plugin = createRateLimitPlugin([open, closed], {
    store: createRedisRateLimitStore(redis),
    logger,
    timeoutMs: 300,
  });
  ({ server, base } = await listen(createTestApp(plugin, { open: [open.name], closed: [closed.name] })));
});
afterAll(async () => {
  await close(server);
  redis.disconnect();
  await redisServer.kill();
});

/**
 * Answered by the 300 ms evaluation timeout, not left hanging (without it a request waits for
 * Redis forever). Bound with room for a loaded machine, far below any hang.
 */
const ANSWERED_WITHIN_MS = 2000;

/** Both routes, `n` concurrent requests each. */
async function burst(n: number, user: string) {
  const get = (route: string) => timedGet(`${base}/r/${route}`, { "x-test-user": user });
  const [o, c] = await Promise.all([
    Promise.all(Array.from({ length: n }, () => get("open"))),
    Promise.all(Array.from({ length: n }, () => get("closed"))),
  ]);
  return { open: o, closed: c };
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("when Redis goes away", () => {
  it("fails open or closed per policy, never hangs, logs the outage once, and recovers", async () => {
    const healthy = await burst(1, "before");
    expect(healthy.open[0]?.headers.get("ratelimit")).toMatch(/;r=2;/);
    expect(plugin.health()).toEqual({ redis: "ok" });

    await redisServer.kill("SIGKILL");
    const down = [await burst(5, "during"), await burst(5, "during")];
    for (const round of down) {
      for (const response of round.open) {
        expect(response.status).toBe(200);
        expect(response.headers.get("ratelimit")).toBeNull();
        expect(response.headers.get("ratelimit-policy")).toBe(`"${open.name}";q=3;w=3600`);
        expect(response.ms).toBeLessThan(ANSWERED_WITHIN_MS);
      }
      for (const response of round.closed) {
        expect(response.status).toBe(503);
        expect(response.body).toMatchObject({ error: { code: "service_unavailable" } });
        expect(response.headers.get("retry-after")).toBe("1");
        expect(response.ms).toBeLessThan(ANSWERED_WITHIN_MS);
      }
    }
    expect(logged("rate limit store unavailable")).toBe(1);
    expect(plugin.health()).toEqual({ redis: "degraded" });

    await redisServer.restart();
    await eventually(async () => (await timedGet(`${base}/r/open`)).headers.has("ratelimit"), 10_000);
    const after = await burst(5, "after");
    expect(after.open.filter((r) => r.status === 200)).toHaveLength(3);
    expect(after.open.filter((r) => r.status === 429)).toHaveLength(2);
    expect(after.closed.filter((r) => r.status === 200)).toHaveLength(3);
    expect(after.closed.filter((r) => r.status === 429)).toHaveLength(2);
    expect(logged("rate limit store recovered")).toBe(1);
    expect(logged("rate limit store unavailable")).toBe(1);
    expect(plugin.health()).toEqual({ redis: "ok" });
  });

  it("answers within the timeout while Redis hangs (SIGSTOP), then recovers", async () => {
    const warnsBefore = logged("rate limit store unavailable");
    redisServer.pause();
    try {
      const hung = await burst(3, "hung");
      for (const response of [...hung.open, ...hung.closed])
        expect(response.ms).toBeLessThan(ANSWERED_WITHIN_MS);
      expect(hung.open.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(hung.closed.map((r) => r.status)).toEqual([503, 503, 503]);
      expect(plugin.health()).toEqual({ redis: "degraded" });
    } finally {
      redisServer.resume();
    }
    await eventually(
      async () => (await timedGet(`${base}/r/closed`, { "x-test-user": "resumed" })).status === 200,
      5_000,
    );
    expect(plugin.health()).toEqual({ redis: "ok" });
    expect(logged("rate limit store unavailable")).toBe(warnsBefore + 1);
  });
});
