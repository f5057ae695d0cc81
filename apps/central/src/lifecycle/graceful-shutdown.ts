import type { Server } from "node:http";
import type { Logger } from "pino";
import type { HandlerSwap } from "./handler-swap.ts";

export { DEFAULT_DRAIN_TIMEOUT_MS } from "./drain-timeout.ts";

export interface GracefulShutdownOptions {
  server: Server;
  swap: HandlerSwap;
  /** In-flight requests get this long to end before their connections are cut (CENTRAL_DRAIN_TIMEOUT_MS). */
  drainTimeoutMs: number;
  logger: Pick<Logger, "info" | "warn">;
  /** Called first, synchronously: /readyz answers 503 from here on. */
  onDraining(): void;
  /** After the handlers are closed: the long-lived clients (admin listener, Redis, metrics listener). */
  closeClients(): Promise<void>;
  /** 0 after a complete drain, 1 when the deadline or a second signal forced it. */
  exit(code: number): void;
}

/**
 * SIGTERM / SIGINT: answer /readyz 503 at once, stop accepting connections, close idle keep-alive
 * connections (and every connection as soon as its response ends), let in-flight requests finish
 * up to the deadline, then close the handlers' resources and the clients and exit. A second
 * signal cuts the drain short.
 */
export function createGracefulShutdown(options: GracefulShutdownOptions): (signal: string) => void {
  const { server, swap, logger } = options;
  let started = false;
  let finished = false;
  let forceDrain: () => void = () => {};

  const finish = async (forced: boolean) => {
    if (finished) return;
    finished = true;
    server.closeAllConnections();
    swap.closeAll();
    await options.closeClients();
    logger.info({ forced }, forced ? "shutdown forced" : "shutdown complete");
    options.exit(forced ? 1 : 0);
  };

  return (signal) => {
    if (started) {
      logger.warn({ signal, inFlight: swap.inFlight() }, "second signal: not waiting for in-flight requests");
      forceDrain();
      return;
    }
    started = true;
    options.onDraining();
    logger.info(
      { signal, inFlight: swap.inFlight(), drainTimeoutMs: options.drainTimeoutMs },
      "draining: no new connections, waiting for in-flight requests",
    );
    // Responses still to start go out with `Connection: close`; those already streaming free their
    // connection when they end, and closeIdleConnections then closes it.
    for (const res of swap.responses()) if (!res.headersSent) res.shouldKeepAlive = false;
    server.prependListener("request", (_req, res) => {
      res.shouldKeepAlive = false;
    });
    swap.onResponseEnd(() => setImmediate(() => server.closeIdleConnections()));
    server.close();
    server.closeIdleConnections();

    const forced = new Promise<boolean>((resolve) => {
      forceDrain = () => resolve(true);
      setTimeout(() => {
        logger.warn(
          { inFlight: swap.inFlight(), drainTimeoutMs: options.drainTimeoutMs },
          "drain deadline passed: closing the remaining connections",
        );
        resolve(true);
      }, options.drainTimeoutMs).unref();
    });
    void Promise.race([swap.idle().then(() => false), forced]).then(finish);
  };
}
