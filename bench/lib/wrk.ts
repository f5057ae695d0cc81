// Runs wrk once and returns what the Lua `done` hook printed.
import { runForBenchJson } from "./bench-json-child.ts";
import type { ProcessRegistry } from "./processes.ts";

export interface LoadResult {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /**
   * Non-2xx/3xx responses plus socket errors (connect, read, write, timeout),
   * plus wrk threads that ran out of single-use header values.
   */
  errors: number;
  /** wrk threads that ran out of single-use header values (0 unless `singleUseHeader` was given). */
  valuesExhausted: number;
  /** What `errors` is made of (status = non-2xx/3xx responses, e.g. a refused replayed token). */
  errorKinds: { connect: number; read: number; write: number; timeout: number; status: number };
}

export interface WrkOptions {
  wrkPath: string;
  scriptPath: string;
  url: string;
  headers: Record<string, string>;
  durationSeconds: number;
  connections: number;
  threads: number;
  cores?: string;
  /**
   * A different value of `name` per request, from `valuesFile` (one per line);
   * `scriptPath` must then be the script from writeSingleUseWrkScript.
   */
  singleUseHeader?: { name: string; valuesFile: string };
}

interface WrkJson {
  requests: number;
  durationUs: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: { connect: number; read: number; write: number; timeout: number; status: number };
  valuesExhausted?: number;
}

export async function runWrk(registry: ProcessRegistry, options: WrkOptions): Promise<LoadResult> {
  const args = [
    "-t",
    String(options.threads),
    "-c",
    String(options.connections),
    "-d",
    `${options.durationSeconds}s`,
    "--timeout",
    "5s",
    "-s",
    options.scriptPath,
  ];
  for (const [name, value] of Object.entries(options.headers)) args.push("-H", `${name}: ${value}`);
  args.push(options.url);
  const single = options.singleUseHeader;
  if (single) args.push("--", single.valuesFile, single.name, String(options.threads));
  const json = await runForBenchJson(registry, "wrk", options.wrkPath, args, {
    ...(options.cores ? { cores: options.cores } : {}),
    failure: `wrk failed against ${options.url}`,
  });
  return parseWrkJson(json);
}

export function parseWrkJson(text: string): LoadResult {
  const raw = JSON.parse(text) as WrkJson;
  const durationSeconds = raw.durationUs / 1e6;
  const valuesExhausted = raw.valuesExhausted ?? 0;
  const errors =
    raw.errors.connect +
    raw.errors.read +
    raw.errors.write +
    raw.errors.timeout +
    raw.errors.status +
    valuesExhausted;
  return {
    requests: raw.requests,
    durationSeconds,
    requestsPerSecond: durationSeconds > 0 ? raw.requests / durationSeconds : 0,
    p50Ms: raw.p50 / 1000,
    p90Ms: raw.p90 / 1000,
    p99Ms: raw.p99 / 1000,
    maxMs: raw.max / 1000,
    errors,
    valuesExhausted,
    errorKinds: raw.errors,
  };
}
