import { createServer, type Server } from "node:http";
import type { Express } from "express";
import type { Logger } from "pino";
import type { ConsumersEnv } from "./env.ts";

/** The admin API's own listener (loopback by default), separate from the port the edge reaches. */
export function listenAdmin(app: Express, env: ConsumersEnv, logger: Logger): Server {
  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, app);
  server.once("error", (err: Error) => {
    console.error(`central: cannot listen (admin API) on ${env.adminHost}:${env.adminPort}: ${err.message}`);
    process.exit(1);
  });
  server.listen(env.adminPort, env.adminHost, () => {
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : env.adminPort;
    logger.info({ host: env.adminHost, port }, "admin API listening");
  });
  return server;
}
