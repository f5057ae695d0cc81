import { pino } from "pino";

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
