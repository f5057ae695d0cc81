import type http from "node:http";
import type https from "node:https";
import { listen } from "@gateway/testing";
import type { CentralConfig, Identity } from "@gateway/types";
import type { RequestHandler } from "express";
import {
  createServer,
  createTlsServer,
  type ServerSecurityOptions,
  type TlsServerOptions,
} from "../../../src/server/index.ts";
import { composeTestCentral } from "../../support/compose.ts";

export interface SecureCentral {
  port: number;
  config: CentralConfig;
  server: http.Server | https.Server;
  /** Everything central logged, as text. */
  logText(): string;
  /** An edge identity token for exactly this method + raw request target. */
  mint(method: string, target: string, identity?: Partial<Identity>): Promise<string>;
  close(): Promise<void>;
}

/**
 * Central as production composes it, without Redis (in-process rate limits
 * and replay protection), on the hardened server on port 0 with, optionally,
 * the network allowlist, a connection cap, TLS/mTLS, or an injected handler in
 * the rate-limit slot (to make one throw).
 */
export async function startSecureCentral(opts: {
  yaml: string;
  server?: ServerSecurityOptions;
  tls?: TlsServerOptions;
  rateLimit?: RequestHandler;
  host?: string;
}): Promise<SecureCentral> {
  const test = await composeTestCentral({
    yaml: opts.yaml,
    keyPrefix: "sec",
    ...(opts.rateLimit === undefined ? {} : { rateLimit: opts.rateLimit }),
  });
  const { app } = test.central;
  const server =
    opts.tls === undefined
      ? createServer(app, test.config.limits, opts.server)
      : createTlsServer(app, test.config.limits, opts.tls, opts.server);
  const { port } = await listen(server, opts.host);
  return {
    port,
    config: test.config,
    server,
    logText: test.logText,
    mint: (method, target, identity = {}) => test.mint(method, target, identity),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      test.central.close();
    },
  };
}
