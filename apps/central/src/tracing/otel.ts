import { formatTraceparent, parseTraceparent, validTracestate } from "@gateway/types";
import {
  type Context,
  type Span as OtelSpan,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import type { SpanKind as GatewaySpanKind, RequestTrace, Span, SpanAttributes, Tracer } from "./index.ts";
import type { OtelSettings, TraceSampler } from "./otel-env.ts";

/**
 * Central's tracer with the OpenTelemetry SDK: the same propagation as createW3cTracer, and every
 * span recorded and exported over OTLP (endpoint, headers, timeout from the standard OTEL_* variables,
 * read by the exporter). This module is only imported when OTEL_* asks for it.
 */

function samplerOf(config: TraceSampler): Sampler {
  switch (config.kind) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(config.ratio);
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.ratio) });
  }
}

async function exporterOf(settings: OtelSettings): Promise<SpanExporter> {
  if (settings.exporter === "console") return new ConsoleSpanExporter();
  if (settings.protocol === "http/json") {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    return new OTLPTraceExporter();
  }
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-proto");
  return new OTLPTraceExporter();
}

const KIND = { internal: SpanKind.INTERNAL, client: SpanKind.CLIENT } as const;

function wrap(span: OtelSpan): Span {
  let ended = false;
  return {
    traceparent() {
      const context = span.spanContext();
      const sampled = (context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
      return formatTraceparent(context.traceId, context.spanId, sampled ? "01" : "00");
    },
    end(attributes, error) {
      if (ended) return;
      ended = true;
      if (attributes !== undefined) span.setAttributes(attributes);
      if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      span.end();
    },
  };
}

export interface OtelTracerOptions {
  /** Replaces the exporter OTEL_* selects (tests). */
  exporter?: SpanExporter;
  /** Milliseconds between batch exports; default 5000 (OTEL_BSP_SCHEDULE_DELAY). */
  scheduledDelayMillis?: number;
}

export async function createOtelTracer(
  settings: OtelSettings,
  options: OtelTracerOptions = {},
): Promise<Tracer> {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ "service.name": "gateway-central" }))
    .merge(detectResources({ detectors: [envDetector] }));
  const exporter = options.exporter ?? (await exporterOf(settings));
  const provider = new TracerProvider({
    resource,
    sampler: samplerOf(settings.sampler),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter,
        ...(options.scheduledDelayMillis === undefined
          ? {}
          : { scheduledDelayMillis: options.scheduledDelayMillis }),
      }),
    ],
  });
  const tracer = provider.getTracer("gateway-central");

  return {
    startRequest(traceparent, tracestate): RequestTrace {
      const parent = parseTraceparent(traceparent);
      const state = parent === undefined ? undefined : validTracestate(tracestate);
      let parentContext: Context = ROOT_CONTEXT;
      if (parent !== undefined) {
        parentContext = trace.setSpanContext(ROOT_CONTEXT, {
          traceId: parent.traceId,
          spanId: parent.parentId,
          traceFlags: Number.parseInt(parent.flags, 16) & TraceFlags.SAMPLED,
          isRemote: true,
        });
      }
      const root = tracer.startSpan("central.request", { kind: SpanKind.SERVER }, parentContext);
      const within = trace.setSpan(ROOT_CONTEXT, root);
      return {
        traceId: root.spanContext().traceId,
        tracestate: state,
        span(name: string, kind: GatewaySpanKind, attributes?: SpanAttributes) {
          return wrap(
            tracer.startSpan(name, { kind: KIND[kind], ...(attributes ? { attributes } : {}) }, within),
          );
        },
        end({ method, route, status }) {
          root.updateName(route === undefined ? method : `${method} ${route}`);
          root.setAttributes({
            "http.request.method": method,
            "http.response.status_code": status,
            ...(route === undefined ? {} : { "http.route": route }),
          });
          if (status >= 500) root.setStatus({ code: SpanStatusCode.ERROR });
          root.end();
        },
      };
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
