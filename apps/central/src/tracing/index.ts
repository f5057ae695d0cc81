import { formatTraceparent, parseTraceparent, validTracestate } from "@gateway/types";
import { createIdSource, type IdSource } from "./ids.ts";
import { otelTracingRequested, readOtelSettings } from "./otel-env.ts";

export { createIdSource, type IdSource } from "./ids.ts";
export { OtelEnvError, otelTracingRequested, readOtelSettings } from "./otel-env.ts";

export type SpanKind = "internal" | "client";
export type SpanAttributes = Record<string, string | number | boolean>;

/** One step of a request (the limiter, an upstream attempt, a gRPC call). */
export interface Span {
  /** The traceparent that makes the next hop a child of this span. */
  traceparent(): string;
  /** Ends the span; `error` marks it failed (with a short reason). Idempotent. */
  end(attributes?: SpanAttributes, error?: string): void;
}

/** Central's part of one request's trace. */
export interface RequestTrace {
  /** 32 hex digits: the edge's (or the client's) trace id, or a new one. */
  readonly traceId: string;
  /** The tracestate that arrived with a valid traceparent, passed on unchanged. */
  readonly tracestate: string | undefined;
  span(name: string, kind: SpanKind, attributes?: SpanAttributes): Span;
  /** Ends central's request span, named after the method and the route. */
  end(details: { method: string; route: string | undefined; status: number }): void;
}

/**
 * Starts a request's trace from its incoming `traceparent`/`tracestate`: a valid version-00
 * traceparent is continued (same trace id, central's span a child of the caller's), anything
 * else starts a new trace (sampled).
 */
export interface Tracer {
  startRequest(traceparent: string | undefined, tracestate: string | undefined): RequestTrace;
  /** Exports what is buffered (a no-op without an exporter). */
  flush(): Promise<void>;
  /** Exports what is buffered and stops (a no-op without an exporter). */
  shutdown(): Promise<void>;
}

const SAMPLED = "01";

/**
 * Propagation only, no spans recorded: what central does when no `OTEL_*` exporter is configured.
 * A request costs two or three random ids; internal spans cost nothing.
 */
export function createW3cTracer(ids: IdSource = createIdSource()): Tracer {
  const noop: Span = {
    traceparent: () => "",
    end() {},
  };
  return {
    startRequest(traceparent, tracestate) {
      const parent = parseTraceparent(traceparent);
      const traceId = parent?.traceId ?? ids.traceId();
      const flags = parent?.flags ?? SAMPLED;
      const state = parent === undefined ? undefined : validTracestate(tracestate);
      return {
        traceId,
        tracestate: state,
        span(_name, kind) {
          if (kind === "internal") return noop;
          const header = formatTraceparent(traceId, ids.spanId(), flags);
          return { traceparent: () => header, end() {} };
        },
        end() {},
      };
    },
    flush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

/**
 * The tracer the environment asks for: OpenTelemetry export when OTEL_* configures an exporter
 * (the SDK is imported only then), else propagation only. Throws OtelEnvError for bad OTEL_* values.
 */
export async function createTracerFromEnv(
  env: NodeJS.ProcessEnv,
): Promise<{ tracer: Tracer; exporting: boolean }> {
  if (!otelTracingRequested(env)) return { tracer: createW3cTracer(), exporting: false };
  const settings = readOtelSettings(env);
  const { createOtelTracer } = await import("./otel.ts");
  return { tracer: await createOtelTracer(settings), exporting: true };
}
