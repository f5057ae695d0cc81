import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { errorBody } from "@gateway/types";
import type { Registry } from "prom-client";

export interface MetricsServer {
  server: Server;
  /** Resolves with the bound port once listening. */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Prometheus scrapes `GET /metrics` on a listener of its own (CENTRAL_METRICS_PORT), never on the
 * port the edge forwards to, so metrics are not reachable through the public path.
 */
export function createMetricsServer(registry: Registry): MetricsServer {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify(errorBody("not_found", "only GET /metrics is served here", randomUUID())));
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
        res.end(req.method === "HEAD" ? undefined : text);
      },
      () => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify(errorBody("internal_error", "metrics could not be collected", randomUUID())));
      },
    );
  });
  server.headersTimeout = 5000;
  server.requestTimeout = 10_000;
  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address();
          resolve(typeof address === "object" && address !== null ? address.port : port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
