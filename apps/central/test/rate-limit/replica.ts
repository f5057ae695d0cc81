/**
 * One central replica for the cross-replica tests, run as its own Node
 * process. Env: REDIS_URL, POLICIES (JSON RateLimitPolicy[]; each becomes a
 * route of the same name), SKEW_MS (shifts this process's Date.now). Prints
 * `{"port":N}` once listening; log lines go to stderr as JSON.
 */
import type { RateLimitPolicy } from "@gateway/types";
import { createRateLimitPlugin } from "../../src/plugins/rate-limit/plugin.ts";
import { createRedisRateLimitStore } from "../../src/plugins/rate-limit/store-redis.ts";
import { createCentralRedis } from "../../src/redis/index.ts";
import { createTestApp } from "./app.ts";

const skewMs = Number(process.env.SKEW_MS ?? 0);
const realNow = Date.now;
Date.now = () => realNow() + skewMs;

const policies = JSON.parse(process.env.POLICIES ?? "[]") as RateLimitPolicy[];
const redis = createCentralRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", () => {});
// Without an offline queue, requests before the connection is up would count as an outage.
await redis.connect();
const log = (level: string) => (obj: object, msg: string) =>
  process.stderr.write(`${JSON.stringify({ level, msg, ...obj })}\n`);
const plugin = createRateLimitPlugin(policies, {
  store: createRedisRateLimitStore(redis),
  logger: { warn: log("warn"), info: log("info"), error: log("error") },
});
const routes = Object.fromEntries(policies.map((policy) => [policy.name, [policy.name]]));
const server = createTestApp(plugin, routes).listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  redis.disconnect();
});
