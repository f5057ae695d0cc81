import { parseTraceparent } from "@gateway/types";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { createOtelTracer } from "../../src/tracing/otel.ts";
import { type GrpcUnderTest, json, useGrpcCentral } from "../grpc/harness.ts";

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const exporter = new InMemorySpanExporter();
const tracer = await createOtelTracer(
  { exporter: "otlp", protocol: "http/json", sampler: { kind: "parentbased_always_on" } },
  { exporter },
);

let t: GrpcUnderTest;
useGrpcCentral(
  (started) => {
    t = started;
  },
  { tracer },
);

describe("tracing a transcoded gRPC call", () => {
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
