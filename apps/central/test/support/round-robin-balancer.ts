import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface RoundRobinBalancer {
  url: string;
  /** Requests handed to each backend, in the order of `backends`. */
  handled: number[];
  close(): Promise<void>;
}

/**
 * A load balancer as small as it gets: each HTTP request goes to the next backend in turn
 * (per request, not per connection, so a keep-alive client is spread too), with keep-alive
 * connections to the backends. Headers, body and status pass through unchanged.
 */
export async function startRoundRobinBalancer(backends: string[]): Promise<RoundRobinBalancer> {
  const targets = backends.map((base) => new URL(base));
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const handled = targets.map(() => 0);
  let next = 0;
  const server = createServer((incoming, outgoing) => {
    const index = next;
    next = (next + 1) % targets.length;
    handled[index] = (handled[index] ?? 0) + 1;
    const target = targets[index] as URL;
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent,
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502).end();
      else outgoing.destroy();
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    handled,
    close: async () => {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
