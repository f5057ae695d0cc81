import type { Server } from "node:http";
import type { RateLimitPolicy } from "@gateway/types";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../../../test/rate-limit/app.ts";
import { close, listen, timedGet } from "../../../test/rate-limit/http.ts";
import { policy } from "../../../test/rate-limit/policies.ts";
import { useRedis } from "../../../test/rate-limit/redis-for-tests.ts";
import { createRateLimitPlugin } from "./plugin.ts";
import { createMemoryRateLimitStore } from "./store-memory.ts";
import { createRedisRateLimitStore } from "./store-redis.ts";

const redis = useRedis({ own: true });
const perUser = policy("sliding_window", { limit: 3, windowSeconds: 60 });
const perTenant = policy("token_bucket", { limit: 10, windowSeconds: 60, key: ["tenant", "route"] });
const logLines: Array<Record<string, unknown>> = [];
let server: Server;
let base: string;

async function scriptCalls(): Promise<number> {
  const stats = await redis.redis.info("commandstats");
  return [...stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

beforeAll(async () => {
  const logger = pino({ level: "info" }, { write: (line: string) => logLines.push(JSON.parse(line)) });
  const plugin = createRateLimitPlugin([perUser, perTenant], {
    store: createRedisRateLimitStore(redis.redis),
    logger,
  });
  const app = createTestApp(plugin, {
    open: [],
    user: [perUser.name],
    both: [perUser.name, perTenant.name, perUser.name],
    broken: ["no-such-policy"],
  });
  ({ server, base } = await listen(app));
});
afterAll(() => close(server));

describe("rate limit plugin over HTTP", () => {
  it("lets routes without policies through without touching Redis", async () => {
    const before = await scriptCalls();
    const response = await timedGet(`${base}/r/open`);
    expect(response.status).toBe(200);
    expect(response.headers.get("ratelimit")).toBeNull();
    expect(response.headers.get("ratelimit-policy")).toBeNull();
    expect(await scriptCalls()).toBe(before);
  });

  it("counts per consumer, sets RateLimit headers, and answers 429 with Retry-After", async () => {
    const responses = [];
    for (let i = 0; i < 4; i++) responses.push(await timedGet(`${base}/r/user`, { "x-test-user": "alice" }));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(responses[0]?.headers.get("ratelimit-policy")).toBe(`"${perUser.name}";q=3;w=60`);
    expect(responses.map((r) => r.headers.get("ratelimit"))).toEqual([
      `"${perUser.name}";r=2;t=60`,
      `"${perUser.name}";r=1;t=60`,
      `"${perUser.name}";r=0;t=60`,
      `"${perUser.name}";r=0;t=60`,
    ]);
    const denied = responses[3];
    expect(denied?.body).toMatchObject({ error: { code: "rate_limited" } });
    expect(denied?.headers.get("retry-after")).toBe("60");
    expect(denied?.headers.get("ratelimit-policy")).toBe(`"${perUser.name}";q=3;w=60`);

    const bob = await timedGet(`${base}/r/user`, { "x-test-user": "bob" });
    expect(bob.status).toBe(200);
  });

  it("evaluates every policy of a route in one script call, reporting the most restrictive", async () => {
    const before = await scriptCalls();
    const response = await timedGet(`${base}/r/both`, { "x-test-user": "carol", "x-test-tenant": "acme" });
    expect(await scriptCalls()).toBe(before + 1);
    expect(response.status).toBe(200);
    expect(response.headers.get("ratelimit-policy")).toBe(
      `"${perUser.name}";q=3;w=60, "${perTenant.name}";q=10;w=60`,
    );
    expect(response.headers.get("ratelimit")).toBe(`"${perUser.name}";r=2;t=60`);
    expect(await redis.redis.exists(`rl:{tenant=acme}:${perTenant.name}:acme:both`)).toBe(1);
  });

  it("answers internal_error for a route naming an unknown policy, and logs it", async () => {
    const response = await timedGet(`${base}/r/broken`);
    expect(response.status).toBe(500);
    expect(logLines.some((line) => line.msg === "route names an unknown rate limit policy")).toBe(true);
  });

  it("rejects an invalid policy when built", () => {
    const invalid: RateLimitPolicy = { ...perUser, limit: 0 };
    expect(() =>
      createRateLimitPlugin([invalid], { store: createMemoryRateLimitStore(), logger: console }),
    ).toThrow(/limit and windowSeconds must be > 0/);
  });
});
