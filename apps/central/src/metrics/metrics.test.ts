import { afterEach, describe, expect, it } from "vitest";
import { CENTRAL_METRIC_NAMES, createMetrics, createMetricsServer, type MetricsServer } from "./index.ts";

const servers: MetricsServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function scrape(
  metrics: ReturnType<typeof createMetrics>,
): Promise<{ status: number; text: string; type: string | null }> {
  const server = createMetricsServer(metrics.registry);
  servers.push(server);
  const port = await server.listen(0, "127.0.0.1");
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return { status: response.status, text: await response.text(), type: response.headers.get("content-type") };
}

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("central metrics over HTTP", () => {
  it("exports every metric infra/ relies on, in Prometheus text format", async () => {
    const { status, text, type } = await scrape(createMetrics());
    expect(status).toBe(200);
    expect(type).toContain("text/plain");
    for (const name of CENTRAL_METRIC_NAMES) expect(text).toContain(`# TYPE ${name} `);
  });

  it("counts requests by route, method and status, with bounded labels", async () => {
    const metrics = createMetrics({ collectDefaults: false });
    metrics.request("users", "GET", 200, 0.003);
    metrics.request("users", "GET", 200, 0.004);
    metrics.request(undefined, "BREW", 404, 0.0001);
    const { text } = await scrape(metrics);
    expect(sample(text, 'gateway_http_requests_total{route="users",method="GET",status="200"}')).toBe(2);
    expect(sample(text, 'gateway_http_requests_total{route="(unrouted)",method="OTHER",status="404"}')).toBe(
      1,
    );
    expect(
      sample(text, 'gateway_http_request_duration_seconds_count{route="users",method="GET",status="200"}'),
    ).toBe(2);
    expect(
      sample(
        text,
        'gateway_http_request_duration_seconds_bucket{le="0.005",route="users",method="GET",status="200"}',
      ),
    ).toBe(2);
  });

  it("folds free-form label values it does not recognise into 'other'", async () => {
    const metrics = createMetrics({ collectDefaults: false });
    metrics.identityFailure("expired");
    metrics.identityFailure("Some Attacker-Chosen <value> that is long");
    metrics.edgeCache("stale");
    const { text } = await scrape(metrics);
    expect(sample(text, 'gateway_identity_failures_total{reason="expired"}')).toBe(1);
    expect(sample(text, 'gateway_identity_failures_total{reason="other"}')).toBe(1);
    expect(sample(text, 'gateway_edge_cache_status_total{status="stale"}')).toBe(1);
  });

  it("keeps one breaker state per target and one config hash", async () => {
    const metrics = createMetrics({ collectDefaults: false });
    metrics.breaker("users", "10.0.0.1:8080", "open");
    metrics.breaker("users", "10.0.0.1:8080", "half_open");
    metrics.configLoaded("aaa");
    metrics.configLoaded("bbb");
    const { text } = await scrape(metrics);
    expect(sample(text, 'gateway_breaker_state{route="users",target="10.0.0.1:8080"}')).toBe(1);
    expect(
      sample(text, 'gateway_breaker_transitions_total{route="users",target="10.0.0.1:8080",to="open"}'),
    ).toBe(1);
    expect(sample(text, 'gateway_config_info{hash="bbb"}')).toBe(1);
    expect(text).not.toContain('hash="aaa"');
  });

  it("serves nothing but GET /metrics", async () => {
    const server = createMetricsServer(createMetrics({ collectDefaults: false }).registry);
    servers.push(server);
    const port = await server.listen(0, "127.0.0.1");
    const response = await fetch(`http://127.0.0.1:${port}/api/users`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
