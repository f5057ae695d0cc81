import { createServer } from "node:net";

/**
 * A TCP port that was free on `host` a moment ago (bound to port 0, then
 * released). Another process may take it before the caller binds it, so
 * callers that start a server on it should retry on EADDRINUSE.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
