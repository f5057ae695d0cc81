import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { type RedisServerHandle, startRedisServer } from "@gateway/testing";
import type { FailMode } from "@gateway/types";
import type { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../../../test/rate-limit/app.ts";
import { close, listen, timedGet } from "../../../test/rate-limit/http.ts";
import { policy } from "../../../test/rate-limit/policies.ts";
import { createCentralRedis } from "../../redis/index.ts";
import { createReplayProtection } from "../../replay/index.ts";
import { createRateLimitPlugin } from "./plugin.ts";
import { createRedisRateLimitStore } from "./store-redis.ts";

// A route whose policy fails open: while Redis is down, only identity.replayFailMode decides.
const lenient = policy("sliding_window", { limit: 100, windowSeconds: 60, failMode: "open" });
const logLines: Array<{ msg: string }> = [];
const logged = (prefix: string) => logLines.filter((line) => line.msg.startsWith(prefix)).length;

let redisServer: RedisServerHandle;
let redis: Redis;
const servers: Record<FailMode, { server: Server; base: string }> = {} as never;

beforeAll(async () => {
  redisServer = await startRedisServer();
  // The client central runs with (main.ts): connection errors are reported by the plugin's outage log.
  redis = createCentralRedis(redisServer.url, () => {});
  await redis.connect();
  const logger = pino({ level: "info" }, { write: (line: string) => logLines.push(JSON.parse(line)) });
  for (const failMode of ["open", "closed"] as const) {
    const plugin = createRateLimitPlugin([lenient], {
      store: createRedisRateLimitStore(redis),
      logger,
      replay: createReplayProtection(
        { replayProtection: true, replayFailMode: failMode, clockSkewSeconds: 0 },
        { redis, logger },
      ),
    });
    servers[failMode] = await listen(createTestApp(plugin, { limited: [lenient.name] }));
  }
});
afterAll(async () => {
  for (const { server } of Object.values(servers)) await close(server);
  redis.disconnect();
  await redisServer.kill();
});

const get = (failMode: FailMode, jti: string) =>
  timedGet(`${servers[failMode].base}/r/limited`, { "x-test-user": "u", "x-test-jti": jti });

describe("the folded replay check when Redis goes away", () => {
  it("applies replayFailMode (open: accepted unchecked, closed: 503), logs once each, recovers", async () => {
    const jti = randomUUID();
    expect((await get("open", jti)).status).toBe(200);
    const replayed = await get("open", jti);
    expect(replayed.status).toBe(401);
    expect(replayed.body).toMatchObject({ error: { code: "invalid_identity" } });

    await redisServer.kill("SIGKILL");
    for (let i = 0; i < 3; i++) {
      const open = await get("open", randomUUID());
      expect(open.status).toBe(200);
      expect(open.headers.get("ratelimit")).toBeNull();
      const closed = await get("closed", randomUUID());
      expect(closed.status).toBe(503);
      expect(closed.body).toMatchObject({
        error: { code: "service_unavailable", message: "identity verification is unavailable" },
      });
      expect(Math.max(open.ms, closed.ms)).toBeLessThan(500);
    }
    expect(logged("replay store unavailable: accepting")).toBe(1);
    expect(logged("replay store unavailable: rejecting")).toBe(1);
    // two plugin instances (one per replayFailMode), each with its own outage log
    expect(logged("rate limit store unavailable")).toBe(2);

    await redisServer.restart();
    const deadline = Date.now() + 10_000;
    while ((await get("closed", randomUUID())).status !== 200) {
      if (Date.now() > deadline) throw new Error("Redis did not come back");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await get("open", randomUUID())).status).toBe(200);
    expect(logged("replay store recovered")).toBe(2);
    // replay detection is back
    const again = randomUUID();
    expect((await get("closed", again)).status).toBe(200);
    expect((await get("closed", again)).status).toBe(401);
  });
});
