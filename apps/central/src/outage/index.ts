/** Pino-compatible subset an outage log writes to. */
export interface OutageLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** The two lines an outage produces: when the first failure is noticed, and when it is over. */
export interface OutageMessages {
  down(error: unknown): [fields: object, message: string];
  recovered(outage: { outageMs: number; failures: number }): [fields: object, message: string];
}

export interface OutageTracker {
  /** Call before each attempt; pass the ticket to `failed` or `succeeded`. */
  begin(): number;
  failed(ticket: number, error: unknown): void;
  succeeded(ticket: number): void;
  isDegraded(): boolean;
}

/**
 * Turns a dependency's successes and failures into one log line per outage edge
 * (central's rate-limit store and replay store). Attempts overlap, so each
 * carries a ticket (its start order): only one that started after the outage
 * was noticed can end it, and a failure that started before the recovery
 * cannot open a new one.
 */
export function createOutageTracker(logger: OutageLogger, messages: OutageMessages): OutageTracker {
  let nextTicket = 0;
  let outage: { ticket: number; since: number; failures: number } | undefined;
  let recoveredAtTicket = -1;

  return {
    begin: () => nextTicket++,
    failed(ticket, error) {
      if (outage) {
        outage.failures++;
        return;
      }
      if (ticket < recoveredAtTicket) return;
      outage = { ticket, since: Date.now(), failures: 1 };
      const [fields, message] = messages.down(error);
      logger.warn(fields, message);
    },
    succeeded(ticket) {
      if (!outage || ticket <= outage.ticket) return;
      const [fields, message] = messages.recovered({
        outageMs: Date.now() - outage.since,
        failures: outage.failures,
      });
      logger.info(fields, message);
      outage = undefined;
      recoveredAtTicket = ticket;
    },
    isDegraded: () => outage !== undefined,
  };
}
