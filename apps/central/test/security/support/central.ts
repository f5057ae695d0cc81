import type http from "node:http";
import type https from "node:https";
import { Writable } from "node:stream";
import { compileCentral, parseConfig } from "@gateway/config";
import { createHmacIdentitySigner, generateHopSecret, generateIdentityKeyPair } from "@gateway/identity";
import { listen } from "@gateway/testing";
import type { CentralConfig, Identity } from "@gateway/types";
import type { RequestHandler } from "express";
import { pino } from "pino";
import { createApp } from "../../../src/app.ts";
import { buildCentralDeps } from "../../../src/deps.ts";
import {
  createServer,
  createTlsServer,
  type ServerSecurityOptions,
  type TlsServerOptions,
} from "../../../src/server.ts";
import { ALICE } from "../../support/harness.ts";

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
 * A real central (createApp + the hardened server) on port 0, with in-process
 * replay protection and, optionally, the network allowlist, a connection cap,
 * TLS/mTLS, or an injected handler in the rate-limit slot (to make one throw).
 */
export async function startSecureCentral(opts: {
  yaml: string;
  server?: ServerSecurityOptions;
  tls?: TlsServerOptions;
  rateLimit?: RequestHandler;
  host?: string;
}): Promise<SecureCentral> {
  const config = compileCentral(parseConfig(opts.yaml, {}));
  const edgeHopSecret = generateHopSecret("edge-sec");
  const centralKeys = await generateIdentityKeyPair("central-sec");
  let logText = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logText += chunk.toString();
      callback();
    },
  });
  const deps = await buildCentralDeps({
    config,
    logger: pino({ level: "debug" }, sink),
    edgeCentralKeys: { keys: [edgeHopSecret] },
    centralPrivateJwk: centralKeys.privateJwk,
    ...(opts.rateLimit === undefined ? {} : { rateLimit: opts.rateLimit }),
  });
  const central = createApp(config, deps);
  const server =
    opts.tls === undefined
      ? createServer(central.app, config.limits, opts.server)
      : createTlsServer(central.app, config.limits, opts.tls, opts.server);
  const { port } = await listen(server, opts.host);
  const edgeSigner = await createHmacIdentitySigner({
    secretJwk: edgeHopSecret,
    issuer: "edge",
    ttlSeconds: config.identity.ttlSeconds,
  });
  return {
    port,
    config,
    server,
    logText: () => logText,
    mint: (method, target, identity = {}) =>
      edgeSigner.sign({
        identity: { ...ALICE, ...identity },
        audience: "central",
        method,
        pathAndQuery: target,
        clientIp: "203.0.113.7",
      }),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      central.close();
    },
  };
}
