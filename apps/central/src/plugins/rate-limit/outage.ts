import type { RateLimitLogger } from "./types.ts";

/**
 * Turns the store's successes and failures into one log line per outage edge.
 * Evaluations overlap, so each carries a ticket (its start order): only one
 * that started after the outage was noticed can end it, and a failure that
 * started before the recovery cannot open a new one.
 */
export function createOutageTracker(logger: RateLimitLogger) {
  let nextTicket = 0;
  let outage: { ticket: number; since: number; failures: number } | undefined;
  let recoveredAtTicket = -1;

  return {
    begin: (): number => nextTicket++,
    failed(ticket: number, error: unknown): void {
      if (outage) {
        outage.failures++;
        return;
      }
      if (ticket < recoveredAtTicket) return;
      outage = { ticket, since: Date.now(), failures: 1 };
      logger.warn({ err: error }, "rate limit store unavailable");
    },
    succeeded(ticket: number): void {
      if (!outage || ticket <= outage.ticket) return;
      logger.info(
        { outageMs: Date.now() - outage.since, failedEvaluations: outage.failures },
        "rate limit store recovered",
      );
      outage = undefined;
      recoveredAtTicket = ticket;
    },
    isDegraded: (): boolean => outage !== undefined,
  };
}
