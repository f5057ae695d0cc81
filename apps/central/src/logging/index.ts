import { type DestinationStream, type Logger, pino } from "pino";

export interface LogDestinationOptions {
  /** File descriptor or path; default 1 (stdout). */
  dest?: number | string;
  /** Bytes buffered before a write; default 4096. */
  minLength?: number;
  /** Buffered lines are written at least this often; default 250 ms. */
  flushIntervalMs?: number;
}

/**
 * Where central's JSON log lines go. One access-log line per request made
 * pino's default destination issue one write per line (~5% of central's CPU
 * under load); buffering up to `minLength` bytes turns ~20 lines into one
 * write. Lines wait at most `flushIntervalMs`, and pino flushes synchronously
 * on process exit, so only a hard kill can lose the last interval's lines.
 */
export function createLogDestination(
  options: LogDestinationOptions = {},
): ReturnType<typeof pino.destination> {
  return pino.destination({
    dest: options.dest ?? 1,
    sync: false,
    minLength: options.minLength ?? 4096,
    periodicFlush: options.flushIntervalMs ?? 250,
  });
}

/**
 * Where a secret could reach a log line through a logged object (an error's request, a header
 * bag): these paths are censored whatever logs them. The access log itself never logs headers.
 */
const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  'req.headers["x-gateway-identity"]',
  "headers.authorization",
  "headers.cookie",
  'headers["x-api-key"]',
  'headers["x-gateway-identity"]',
  'headers["set-cookie"]',
  "authorization",
  "cookie",
];

/**
 * Central's logger: JSON lines with an ISO `ts`, the level as a word (`info`, `warn`, ...) and
 * `tier: "central"`, the same shape as the edge's lines (ACCESS_LOG_FIELDS in @gateway/types).
 */
export function createCentralLogger(level: string, destination: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { tier: "central" },
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
    },
    destination,
  );
}
