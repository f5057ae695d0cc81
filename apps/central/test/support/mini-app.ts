import { listen } from "@gateway/testing";
import express, { type RequestHandler } from "express";
import { pino } from "pino";
import { createErrorHandler } from "../../src/errors.ts";
import { createRequestContext } from "../../src/plugins/request-context/index.ts";
import { createServer } from "../../src/server/index.ts";

export interface MiniApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const TEST_LIMITS = {
  maxBodyBytes: 1024,
  maxHeaderBytes: 8192,
  maxHeaderCount: 20,
  maxUrlLength: 256,
  headersTimeoutMs: 2000,
  requestTimeoutMs: 5000,
  keepAliveTimeoutMs: 1000,
};

/**
 * One plugin (or a few) behind the request context and the error handler, on a
 * real hardened server; `last` answers whatever got through, e.g. with what the
 * plugins left on the request.
 */
export async function startMiniApp(plugins: RequestHandler[], last: RequestHandler): Promise<MiniApp> {
  const app = express();
  app.disable("x-powered-by");
  app.use(createRequestContext(), ...plugins, last);
  app.use(createErrorHandler(pino({ level: "silent" })));
  const server = createServer(app, TEST_LIMITS);
  const { port, url } = await listen(server);
  return {
    url,
    port,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
