/** Thrown for an OTEL_* value central cannot honour; the message names the variable. */
export class OtelEnvError extends Error {
  override name = "OtelEnvError";
}

export type OtlpProtocol = "http/json" | "http/protobuf";
export type TraceSampler =
  | { kind: "always_on" | "always_off" | "parentbased_always_on" | "parentbased_always_off" }
  | { kind: "traceidratio" | "parentbased_traceidratio"; ratio: number };

/** The OTEL_* settings central reads itself; endpoint, headers, timeout and compression are read by the exporter. */
export interface OtelSettings {
  exporter: "otlp" | "console";
  protocol: OtlpProtocol;
  sampler: TraceSampler;
}

const has = (env: NodeJS.ProcessEnv, name: string) => (env[name] ?? "").trim() !== "";

function exporters(env: NodeJS.ProcessEnv): string[] {
  return (env.OTEL_TRACES_EXPORTER ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== "");
}

/**
 * Whether central should load the OpenTelemetry SDK: an OTLP endpoint or a traces exporter is
 * configured, and neither OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none says otherwise.
 * Without it no SDK module is imported.
 */
export function otelTracingRequested(env: NodeJS.ProcessEnv): boolean {
  if ((env.OTEL_SDK_DISABLED ?? "").trim().toLowerCase() === "true") return false;
  const listed = exporters(env);
  if (listed.includes("none")) return false;
  if (listed.length > 0) return true;
  return has(env, "OTEL_EXPORTER_OTLP_ENDPOINT") || has(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
}

function sampler(env: NodeJS.ProcessEnv): TraceSampler {
  const name = (env.OTEL_TRACES_SAMPLER ?? "parentbased_always_on").trim().toLowerCase();
  switch (name) {
    case "always_on":
    case "always_off":
    case "parentbased_always_on":
    case "parentbased_always_off":
      return { kind: name };
    case "traceidratio":
    case "parentbased_traceidratio": {
      const raw = (env.OTEL_TRACES_SAMPLER_ARG ?? "1").trim();
      const ratio = Number(raw);
      if (raw === "" || !Number.isFinite(ratio) || ratio < 0 || ratio > 1)
        throw new OtelEnvError(
          `OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got "${raw.slice(0, 32)}"`,
        );
      return { kind: name, ratio };
    }
    default:
      throw new OtelEnvError(
        `OTEL_TRACES_SAMPLER "${name.slice(0, 32)}" is not supported (always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio)`,
      );
  }
}

/** Reads and checks the settings when otelTracingRequested(env). */
export function readOtelSettings(env: NodeJS.ProcessEnv): OtelSettings {
  const listed = exporters(env).filter((entry) => entry !== "none");
  const unknown = listed.find((entry) => entry !== "otlp" && entry !== "console");
  if (unknown !== undefined)
    throw new OtelEnvError(
      `OTEL_TRACES_EXPORTER "${unknown.slice(0, 32)}" is not supported (otlp, console, none)`,
    );
  const protocol = (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ||
    env.OTEL_EXPORTER_OTLP_PROTOCOL ||
    "http/protobuf"
  )
    .trim()
    .toLowerCase();
  if (protocol !== "http/json" && protocol !== "http/protobuf")
    throw new OtelEnvError(
      `OTEL_EXPORTER_OTLP_PROTOCOL "${protocol.slice(0, 32)}" is not supported (http/protobuf, http/json)`,
    );
  return {
    exporter: listed.includes("console") && !listed.includes("otlp") ? "console" : "otlp",
    protocol,
    sampler: sampler(env),
  };
}
