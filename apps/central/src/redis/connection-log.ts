import type { Logger } from "pino";

export interface RedisConnectionLog {
  /** For the client's 'error' event: every failed (re)connect while Redis is down. */
  onError(err: Error): void;
  /** For the client's 'ready' event. */
  onReady(): void;
}

/**
 * One warning when Redis becomes unreachable and one info line when it is back,
 * however many reconnect attempts fail in between (those are debug lines): an
 * outage is one event in the log, not one line per retry.
 */
export function createRedisConnectionLog(
  logger: Pick<Logger, "warn" | "info" | "debug">,
): RedisConnectionLog {
  let outage: { since: number; failedAttempts: number } | undefined;
  return {
    onError(err) {
      const detail = { err: { message: err.message, code: (err as { code?: string }).code } };
      if (outage !== undefined) {
        outage.failedAttempts++;
        logger.debug(detail, "redis connection attempt failed");
        return;
      }
      outage = { since: Date.now(), failedAttempts: 1 };
      logger.warn(detail, "redis unavailable");
    },
    onReady() {
      if (outage === undefined) return;
      logger.info(
        { outageMs: Date.now() - outage.since, failedAttempts: outage.failedAttempts },
        "redis recovered",
      );
      outage = undefined;
    },
  };
}
