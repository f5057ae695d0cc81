import type { Server } from "node:net";

export interface Listening {
  port: number;
  /** `http://<host>:<port>` (an IPv6 host in brackets) */
  url: string;
}

/** Starts `server` on a port the OS picks and resolves once it accepts connections. */
export function listen(server: Server, host = "127.0.0.1"): Promise<Listening> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      const address = server.address();
      if (typeof address !== "object" || address === null) return reject(new Error("no port"));
      const urlHost = host.includes(":") ? `[${host}]` : host;
      resolve({ port: address.port, url: `http://${urlHost}:${address.port}` });
    });
  });
}
