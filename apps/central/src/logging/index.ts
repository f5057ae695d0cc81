import { type DestinationStream, type Logger, pino } from "pino";

export interface LogDestinationOptions {
  /** File descriptor or path; default 1 (stdout). */
  dest?: number | string;
  /** Characters buffered before a write; default 4096. */
  minLength?: number;
  /** Buffered lines are written at least this often; default 250 ms. */
  flushIntervalMs?: number;
}

type SonicBoom = ReturnType<typeof pino.destination>;

/**
 * Where central's JSON log lines go. One access-log line per request made
 * pino's default destination issue one write per line (~5% of central's CPU
 * under load), so lines are batched: up to `minLength` characters become one
 * write. Lines wait at most `flushIntervalMs`; `flush`, `flushSync`, `end` and
 * pino's exit hook write what is pending first, so only a hard kill can lose
 * the last interval's lines.
 *
 * The batching is ours, in front of pino's own destination (sonic-boom, which
 * does the writing): sonic-boom's `minLength` buffering measures its growing
 * buffer with `Buffer.byteLength` on every line, which flattens it each time
 * (~8 KB of garbage per 400-byte line, the largest allocation of a request).
 */
export function createLogDestination(options: LogDestinationOptions = {}): SonicBoom {
  const minLength = options.minLength ?? 4096;
  const output = pino.destination({ dest: options.dest ?? 1, sync: false, minLength: 0 });
  const writeOut = output.write.bind(output);
  const pending: string[] = [];
  let pendingLength = 0;
  const drain = () => {
    if (pending.length === 0) return;
    const chunk = pending.join("");
    pending.length = 0;
    pendingLength = 0;
    writeOut(chunk);
  };
  output.write = (line: string) => {
    pending.push(line);
    pendingLength += line.length;
    if (pendingLength >= minLength) drain();
    return true;
  };
  const timer = setInterval(drain, options.flushIntervalMs ?? 250);
  timer.unref();
  output.once("close", () => clearInterval(timer));
  const flushOut = output.flush.bind(output);
  const flushSyncOut = output.flushSync.bind(output);
  const endOut = output.end.bind(output);
  output.flush = (callback?: (error?: Error) => void) => {
    drain();
    flushOut(callback);
  };
  output.flushSync = () => {
    drain();
    flushSyncOut();
  };
  output.end = () => {
    clearInterval(timer);
    drain();
    endOut();
  };
  return output;
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
