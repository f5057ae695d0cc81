import { parseTraceparent } from "@gateway/types";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../../src/metrics/index.ts";
import { createOtelTracer } from "../../src/tracing/otel.ts";
import { type GrpcUnderTest, json, useGrpcCentral } from "../grpc/harness.ts";

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const exporter = new InMemorySpanExporter();
const tracer = await createOtelTracer(
  { exporter: "otlp", protocol: "http/json", sampler: { kind: "parentbased_always_on" } },
  { exporter },
);

const metrics = createMetrics({ collectDefaults: false });

let t: GrpcUnderTest;
useGrpcCentral(
  (started) => {
    t = started;
  },
  { tracer, metrics },
);

describe("a transcoded gRPC call: metrics, access log, spans", () => {
  it("records the call's outcome and latency, and the access log has the upstream, its latency and the breaker", async () => {
    const response = await t.call("GET", "/api/orders/v1/whoami", {
      headers: { "x-request-id": "grpc-obs-1" },
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /^gateway_upstream_duration_seconds_count\{route="orders",outcome="success"\} [1-9]/m,
    );
    expect(text).toMatch(/^gateway_http_requests_total\{route="orders",method="GET",status="200"\} [1-9]/m);
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 200 && line === undefined; i++) {
      line = t.central.logs.find((l) => l.requestId === "grpc-obs-1" && l.msg === "request");
      if (line === undefined) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(line).toMatchObject({
      route: "orders",
      breaker: "closed",
      upstream: expect.stringMatching(/^grpc:\/\//),
    });
    expect(line?.upstreamLatencyMs).toEqual(expect.any(Number));
  });

  it("a grpc.transcode client span under the request span; the service's traceparent metadata names it as the parent", async () => {
    const response = await t.call("GET", "/api/orders/v1/whoami", {
      headers: { traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` },
    });
    expect(response.status).toBe(200);
    const body = (await json(response)) as { traceparent: string };
    await t.central.close();
    await tracer.flush();
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === TRACE_ID);
    const request = spans.find((s) => s.name === "GET orders");
    const call = spans.find((s) => s.name === "grpc.transcode");
    expect(request?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
    expect(call?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(call?.attributes["rpc.method"]).toBe("orders.v1.Orders.WhoAmI");
    expect(parseTraceparent(body.traceparent)?.parentId).toBe(call?.spanContext().spanId);
  });
});
