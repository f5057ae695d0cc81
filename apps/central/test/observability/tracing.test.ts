import { randomUUID } from "node:crypto";
import http from "node:http";
import { freePort, listen } from "@gateway/testing";
import { IDENTITY_HEADER, parseTraceparent } from "@gateway/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTracerFromEnv, otelTracingRequested, readOtelSettings } from "../../src/tracing/index.ts";
import { testConfigYaml } from "../support/config.ts";
import { type CentralUnderTest, startCentral } from "../support/harness.ts";
import { type RecordingUpstream, startUpstream } from "../support/upstream.ts";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID = "00f067aa0ba902b7";
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

/** An OTLP/HTTP receiver: records every export request (path, content type, body). */
interface Receiver {
  url: string;
  exports: Array<{ path: string; type: string; body: Buffer }>;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const exports: Receiver["exports"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      exports.push({
        path: req.url ?? "",
        type: req.headers["content-type"] ?? "",
        body: Buffer.concat(chunks),
      });
      const json = (req.headers["content-type"] ?? "").includes("json");
      res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
      res.end(json ? "{}" : undefined);
    });
  });
  const { url } = await listen(server);
  return {
    url,
    exports,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

function spansOf(receiver: Receiver): { spans: OtlpSpan[]; serviceNames: unknown[] } {
  const spans: OtlpSpan[] = [];
  const serviceNames: unknown[] = [];
  for (const { body } of receiver.exports) {
    const payload = JSON.parse(body.toString()) as {
      resourceSpans: Array<{
        resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
        scopeSpans: Array<{ spans: OtlpSpan[] }>;
      }>;
    };
    for (const resourceSpans of payload.resourceSpans) {
      serviceNames.push(
        resourceSpans.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue,
      );
      for (const scope of resourceSpans.scopeSpans) spans.push(...scope.spans);
    }
  }
  return { spans, serviceNames };
}

const SPAN_KIND = { internal: 1, server: 2, client: 3 };

let upstream: RecordingUpstream;
const policy = `trace-${randomUUID().slice(0, 8)}`;
const yamlFor = (up: RecordingUpstream, down: string) =>
  testConfigYaml({
    upstream: up.url,
    downUpstream: down,
    rateLimitsYaml: `rateLimits:\n  policies:\n    - { name: ${policy}, algorithm: fixed_window, limit: 100, windowSeconds: 60, key: [consumer], failMode: open }\n`,
    extraRoutes: `  - name: limited\n    path: /api/limited\n    methods: [GET]\n    auth: jwt\n    upstream: ${up.url}\n    rateLimit: [${policy}]\n`,
  });

beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream?.close();
});

async function get(central: CentralUnderTest, target: string, headers: Record<string, string> = {}) {
  const response = await fetch(central.url + target, {
    headers: { [IDENTITY_HEADER]: await central.mint("GET", target), ...headers },
  });
  await response.arrayBuffer();
  return response;
}

describe("W3C trace context through central (no OTEL_* set)", () => {
  let central: CentralUnderTest;
  beforeAll(async () => {
    central = await startCentral({ yaml: yamlFor(upstream, `http://127.0.0.1:${await freePort()}`) });
  });
  afterAll(() => central?.close());

  it("the service sees the client's trace id with a new span id, and the tracestate; the log has the trace id", async () => {
    const seen = upstream.requests.length;
    const response = await get(central, "/api/limited/a", {
      traceparent: TRACEPARENT,
      tracestate: "vendor=abc,other=x",
      "x-request-id": "trace-1",
    });
    expect(response.status).toBe(200);
    const received = upstream.requests[seen]?.headers;
    const parsed = parseTraceparent(received?.traceparent as string);
    expect(parsed).toMatchObject({ traceId: TRACE_ID, flags: "01" });
    expect(parsed?.parentId).not.toBe(PARENT_ID);
    expect(received?.tracestate).toBe("vendor=abc,other=x");
    expect(central.logs.find((l) => l.requestId === "trace-1" && l.msg === "request")?.traceId).toBe(
      TRACE_ID,
    );
  });

  it("a malformed traceparent starts a new trace; its tracestate is dropped", async () => {
    for (const bad of [
      "00-xyz",
      `00-${"0".repeat(32)}-${PARENT_ID}-01`,
      `01-${TRACE_ID}-${PARENT_ID}-01-extra`,
    ]) {
      const seen = upstream.requests.length;
      await get(central, "/api/users/b", { traceparent: bad, tracestate: "vendor=abc" });
      const received = upstream.requests[seen]?.headers;
      const parsed = parseTraceparent(received?.traceparent as string);
      expect(parsed, bad).toBeDefined();
      expect(parsed?.traceId).not.toBe(TRACE_ID);
      expect(received?.tracestate).toBeUndefined();
    }
  });

  it("every request gets a span id of its own as the service's parent", async () => {
    const seen = upstream.requests.length;
    await get(central, "/api/users/c", { traceparent: TRACEPARENT });
    await get(central, "/api/users/c", { traceparent: TRACEPARENT });
    const ids = upstream.requests
      .slice(seen)
      .map((r) => parseTraceparent(r.headers.traceparent as string)?.parentId);
    expect(new Set(ids).size).toBe(2);
  });
});

describe("OpenTelemetry export from the OTEL_* environment", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (key.startsWith("OTEL_")) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("is off unless an endpoint or exporter is configured, and off again with OTEL_SDK_DISABLED or none", () => {
    expect(otelTracingRequested({})).toBe(false);
    expect(otelTracingRequested({ OTEL_SERVICE_NAME: "x" })).toBe(false);
    expect(otelTracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" })).toBe(true);
    expect(otelTracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces" })).toBe(
      true,
    );
    expect(otelTracingRequested({ OTEL_TRACES_EXPORTER: "otlp" })).toBe(true);
    expect(otelTracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_SDK_DISABLED: "true" })).toBe(
      false,
    );
    expect(
      otelTracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_TRACES_EXPORTER: "none" }),
    ).toBe(false);
    expect(() => readOtelSettings({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL/,
    );
    expect(() =>
      readOtelSettings({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "2" }),
    ).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => readOtelSettings({ OTEL_TRACES_EXPORTER: "zipkin" })).toThrow(/OTEL_TRACES_EXPORTER/);
  });

  it("exports the request, limiter and upstream spans over OTLP/HTTP JSON with the right parents", async () => {
    const receiver = await startReceiver();
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "central-under-test",
    });
    const { tracer, exporting } = await createTracerFromEnv(process.env);
    expect(exporting).toBe(true);
    const central = await startCentral({
      tracer,
      yaml: yamlFor(upstream, `http://127.0.0.1:${await freePort()}`),
    });
    try {
      const seen = upstream.requests.length;
      expect((await get(central, "/api/limited/x", { traceparent: TRACEPARENT })).status).toBe(200);
      await get(central, "/api/users/y");
      const received = parseTraceparent(upstream.requests[seen]?.headers.traceparent as string);
      await central.close();
      await tracer.shutdown();

      expect(receiver.exports.length).toBeGreaterThan(0);
      expect(receiver.exports[0]?.path).toBe("/v1/traces");
      expect(receiver.exports[0]?.type).toContain("application/json");
      const { spans, serviceNames } = spansOf(receiver);
      expect(new Set(serviceNames)).toEqual(new Set(["central-under-test"]));
      const ours = spans.filter((s) => s.traceId === TRACE_ID);
      const request = ours.find((s) => s.name === "GET limited");
      const limiter = ours.find((s) => s.name === "rate_limit");
      const call = ours.find((s) => s.name === "upstream");
      expect(request).toMatchObject({ parentSpanId: PARENT_ID, kind: SPAN_KIND.server });
      expect(limiter).toMatchObject({ parentSpanId: request?.spanId, kind: SPAN_KIND.internal });
      expect(call).toMatchObject({ parentSpanId: request?.spanId, kind: SPAN_KIND.client });
      // the service's parent is the upstream span
      expect(received?.parentId).toBe(call?.spanId);
      expect(request?.attributes).toEqual(
        expect.arrayContaining([
          { key: "http.route", value: { stringValue: "limited" } },
          { key: "http.response.status_code", value: { intValue: 200 } },
        ]),
      );
      // the request without a traceparent started a trace of its own, rooted at central
      const other = spans.find((s) => s.name === "GET users");
      expect(other?.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(other?.traceId).not.toBe(TRACE_ID);
      expect(other?.parentSpanId ?? "").toBe("");
    } finally {
      await central.close();
      await receiver.close();
    }
  });

  it("exports OTLP/HTTP protobuf by default (the spec's default protocol)", async () => {
    const receiver = await startReceiver();
    Object.assign(process.env, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/custom/traces` });
    const { tracer } = await createTracerFromEnv(process.env);
    const central = await startCentral({
      tracer,
      yaml: yamlFor(upstream, `http://127.0.0.1:${await freePort()}`),
    });
    try {
      await get(central, "/api/users/proto", { traceparent: TRACEPARENT });
      await central.close();
      await tracer.shutdown();
      expect(receiver.exports[0]?.path).toBe("/custom/traces");
      expect(receiver.exports[0]?.type).toBe("application/x-protobuf");
      // protobuf carries strings as is and ids as raw bytes
      const body = receiver.exports.map((e) => e.body);
      expect(Buffer.concat(body).includes("GET users")).toBe(true);
      expect(Buffer.concat(body).includes(Buffer.from(TRACE_ID, "hex"))).toBe(true);
    } finally {
      await central.close();
      await receiver.close();
    }
  });
});
