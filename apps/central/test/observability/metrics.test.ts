import { randomUUID } from "node:crypto";
import { freePort } from "@gateway/testing";
import { ACCESS_LOG_FIELDS, EDGE_CACHE_HEADER, IDENTITY_HEADER } from "@gateway/types";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMetrics,
  createMetricsServer,
  type GatewayMetrics,
  type MetricsServer,
} from "../../src/metrics/index.ts";
import { CENTRAL_REDIS_OPTIONS } from "../../src/redis/index.ts";
import { instrumentRedis } from "../../src/redis/instrument.ts";
import { testConfigYaml } from "../support/config.ts";
import { type CentralUnderTest, startCentral } from "../support/harness.ts";
import { type RecordingUpstream, startUpstream } from "../support/upstream.ts";

let upstream: RecordingUpstream;
let central: CentralUnderTest;
let metrics: GatewayMetrics;
let metricsServer: MetricsServer;
let metricsUrl: string;
let downUrl: string;
const policy = `obs-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  upstream = await startUpstream();
  downUrl = `http://127.0.0.1:${await freePort()}`;
  metrics = createMetrics();
  central = await startCentral({
    metrics,
    yaml: testConfigYaml({
      upstream: upstream.url,
      downUpstream: downUrl,
      rateLimitsYaml: `rateLimits:\n  policies:\n    - { name: ${policy}, algorithm: fixed_window, limit: 2, windowSeconds: 60, key: [consumer, route], failMode: open }\n`,
      extraRoutes: `  - name: limited
    path: /api/limited
    methods: [GET]
    auth: jwt
    upstream: ${upstream.url}
    rateLimit: [${policy}]
  - name: refused
    path: /api/refused
    methods: [GET]
    auth: any
    upstream: { urls: [${downUrl}], outlierDetection: { enabled: false } }
    circuitBreaker: { consecutiveFailures: 2, openMs: 60000 }
    retry: { attempts: 1 }
`,
    }),
  });
  metricsServer = createMetricsServer(metrics.registry);
  metricsUrl = `http://127.0.0.1:${await metricsServer.listen(0, "127.0.0.1")}/metrics`;
});
afterAll(async () => {
  await metricsServer?.close();
  await central?.close();
  await upstream?.close();
});

async function scrape(): Promise<string> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one series (`name{labels}` exactly as exported), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function seriesOf(text: string, name: string): string[] {
  return text.split("\n").filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

async function get(
  target: string,
  opts: { sub?: string; headers?: Record<string, string>; token?: string } = {},
) {
  const token =
    opts.token ?? (await central.mint("GET", target, opts.sub === undefined ? {} : { sub: opts.sub }));
  const response = await fetch(central.url + target, {
    headers: { [IDENTITY_HEADER]: token, ...opts.headers },
  });
  await response.arrayBuffer();
  return response;
}

/** Access-log lines are written on the response's close: wait for the one of `requestId`. */
async function logLine(requestId: string) {
  for (let i = 0; i < 200; i++) {
    const line = central.logs.find((l) => l.requestId === requestId && l.msg === "request");
    if (line !== undefined) return line;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`no access log line for ${requestId}`);
}

describe("central's /metrics after real requests (real port, real Redis)", () => {
  it("is served on its own listener only: central's port does not answer /metrics", async () => {
    const response = await fetch(`${central.url}/metrics`);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain("gateway_http_requests_total");
  });

  it("counts requests and observes latency by route name, method and status", async () => {
    const before = await scrape();
    const series = 'gateway_http_requests_total{route="users",method="GET",status="200"}';
    const start = sample(before, series) ?? 0;
    for (let i = 0; i < 3; i++) expect((await get(`/api/users/${i}`)).status).toBe(200);
    expect((await fetch(`${central.url}/api/users/1`)).status).toBe(401);
    const after = await scrape();
    expect(sample(after, series)).toBe(start + 3);
    expect(
      sample(after, 'gateway_http_request_duration_seconds_count{route="users",method="GET",status="200"}'),
    ).toBe(start + 3);
    expect(
      sample(
        after,
        'gateway_http_request_duration_seconds_bucket{le="+Inf",route="users",method="GET",status="200"}',
      ),
    ).toBe(start + 3);
    expect(
      sample(after, 'gateway_http_requests_total{route="(unrouted)",method="GET",status="401"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(after, 'gateway_upstream_duration_seconds_count{route="users",outcome="success"}'),
    ).toBeGreaterThanOrEqual(3);
  });

  it("counts rate-limit decisions per policy, and the access log carries the decision", async () => {
    const sub = `rl-${randomUUID()}`;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await get("/api/limited", { sub, headers: { "x-request-id": `rl-${i}-${sub}` } });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    const text = await scrape();
    expect(sample(text, `gateway_rate_limit_decisions_total{policy="${policy}",decision="allowed"}`)).toBe(2);
    expect(sample(text, `gateway_rate_limit_decisions_total{policy="${policy}",decision="limited"}`)).toBe(1);
    expect((await logLine(`rl-0-${sub}`)).rateLimit).toBe("allowed");
    expect((await logLine(`rl-2-${sub}`)).rateLimit).toBe("limited");
  });

  it("counts identity failures by reason: missing, binding mismatch, replayed", async () => {
    const before = await scrape();
    const reason = (text: string, r: string) =>
      sample(text, `gateway_identity_failures_total{reason="${r}"}`) ?? 0;
    await (await fetch(`${central.url}/api/users/x`)).arrayBuffer();
    await get("/api/users/x", { token: await central.mint("GET", "/api/users/other") });
    const token = await central.mint("GET", "/api/users/replay");
    expect((await get("/api/users/replay", { token })).status).toBe(200);
    expect((await get("/api/users/replay", { token })).status).toBe(401);
    const after = await scrape();
    expect(reason(after, "missing") - reason(before, "missing")).toBe(1);
    expect(reason(after, "binding_mismatch") - reason(before, "binding_mismatch")).toBe(1);
    expect(reason(after, "replayed") - reason(before, "replayed")).toBe(1);
  });

  it("counts the edge's cache outcome only on requests whose identity verified, and never forwards the header", async () => {
    const before = await scrape();
    const count = (text: string, status: string) =>
      sample(text, `gateway_edge_cache_status_total{status="${status}"}`) ?? 0;
    const seen = upstream.requests.length;
    const response = await get("/api/users/cached", {
      headers: { [EDGE_CACHE_HEADER]: "uri-miss", "x-request-id": "cache-1" },
    });
    expect(response.status).toBe(200);
    await get("/api/users/odd", { headers: { [EDGE_CACHE_HEADER]: "<script>" } });
    // No identity token: not counted.
    await (
      await fetch(`${central.url}/api/users/x`, { headers: { [EDGE_CACHE_HEADER]: "uri-miss" } })
    ).arrayBuffer();
    const after = await scrape();
    expect(count(after, "uri-miss") - count(before, "uri-miss")).toBe(1);
    expect(count(after, "other") - count(before, "other")).toBe(1);
    expect((await logLine("cache-1")).cache).toBe("uri-miss");
    for (const request of upstream.requests.slice(seen))
      expect(request.headers[EDGE_CACHE_HEADER]).toBeUndefined();
  });

  it("records breaker transitions and state, failed attempts by outcome, and the log's breaker field", async () => {
    for (let i = 0; i < 2; i++) expect((await get("/api/refused/x")).status).toBe(502);
    const refusedRequest = await get("/api/refused/x", { headers: { "x-request-id": "breaker-open-1" } });
    expect(refusedRequest.status).toBe(503);
    const text = await scrape();
    expect(sample(text, `gateway_breaker_state{route="refused",target="${downUrl}"}`)).toBe(2);
    expect(
      sample(text, `gateway_breaker_transitions_total{route="refused",target="${downUrl}",to="open"}`),
    ).toBe(1);
    expect(
      sample(text, 'gateway_upstream_duration_seconds_count{route="refused",outcome="connect_error"}'),
    ).toBe(2);
    expect((await logLine("breaker-open-1")).breaker).toBe("open");
  });

  it("times Redis commands (rate-limit scripts, replay checks) and exports the Node process metrics", async () => {
    const text = await scrape();
    expect(sample(text, "gateway_redis_command_duration_seconds_count")).toBeGreaterThan(0);
    expect(sample(text, "gateway_redis_errors_total")).toBe(0);
    expect(sample(text, "nodejs_eventloop_lag_p99_seconds")).toBeGreaterThanOrEqual(0);
    expect(sample(text, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
  });

  it("counts Redis commands that fail (an unreachable Redis, no offline queue)", async () => {
    const own = createMetrics({ collectDefaults: false });
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      ...CENTRAL_REDIS_OPTIONS,
      lazyConnect: true,
    });
    redis.on("error", () => {});
    instrumentRedis(redis, own);
    await expect(redis.get("x")).rejects.toThrow();
    await expect(redis.get("y")).rejects.toThrow();
    redis.disconnect();
    const text = await own.registry.metrics();
    expect(sample(text, "gateway_redis_errors_total")).toBe(2);
  });

  it("writes every shared access-log field on central's line", async () => {
    await get("/api/users/fields", { headers: { "x-request-id": "fields-1" } });
    const line = await logLine("fields-1");
    for (const field of ACCESS_LOG_FIELDS) expect(line, field).toHaveProperty(field);
    expect(line).toMatchObject({
      tier: "central",
      level: "info",
      route: "users",
      status: 200,
      breaker: "closed",
    });
    expect(line.upstreamLatencyMs).toEqual(expect.any(Number));
    expect(line.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("cardinality", () => {
  it("1000 distinct unknown paths add no series: unrouted requests share one route label", async () => {
    const before = seriesOf(await scrape(), "gateway_http_requests_total").length;
    const marker = randomUUID().slice(0, 8);
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, j) => {
          const response = await fetch(`${central.url}/unknown-${marker}-${i + j}/x?q=${i + j}`, {
            method: j % 2 === 0 ? "GET" : "PROPFIND",
          });
          await response.arrayBuffer();
        }),
      );
    }
    // and some that verified but matched no route (404)
    for (let i = 0; i < 20; i++) expect((await get(`/nowhere-${marker}-${i}`)).status).toBe(404);
    const text = await scrape();
    const series = seriesOf(text, "gateway_http_requests_total");
    expect(series.length - before).toBeLessThanOrEqual(3);
    expect(text).not.toContain(marker);
    expect(sample(text, 'gateway_http_requests_total{route="(unrouted)",method="OTHER",status="401"}')).toBe(
      500,
    );
  });
});
