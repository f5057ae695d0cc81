import type http from "node:http";
import { Writable } from "node:stream";
import { compileCentral, parseConfig } from "@gateway/config";
import {
  createIdentitySigner,
  createIdentityVerifier,
  generateIdentityKeyPair,
  type IdentityKeyPair,
  type IdentitySigner,
  type IdentityVerifier,
} from "@gateway/identity";
import { listen } from "@gateway/testing";
import type { CentralConfig, Identity } from "@gateway/types";
import type { RequestHandler } from "express";
import { Redis } from "ioredis";
import { pino } from "pino";
import { inject } from "vitest";
import { createApp, createServer } from "../../src/app.ts";
import { buildCentralDeps } from "../../src/deps.ts";

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface CentralUnderTest {
  url: string;
  port: number;
  config: CentralConfig;
  server: http.Server;
  logs: LogLine[];
  /** Raw log output, to assert that secrets never appear in it. */
  logText(): string;
  edgeKeys: IdentityKeyPair;
  centralKeys: IdentityKeyPair;
  edgeSigner: IdentitySigner;
  /** Verifies central's token as the service for `audience` (the route name) would. */
  serviceVerifier(audience: string): Promise<IdentityVerifier>;
  /** An edge identity token for this method + request target. */
  mint(
    method: string,
    pathAndQuery: string,
    identity?: Partial<Identity> & { cip?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

export const ALICE: Identity = { sub: "alice", roles: ["user"], scopes: ["users:read"], auth: "jwt" };

export async function startCentral(opts: {
  yaml: string;
  redis?: "real" | "none";
  rateLimit?: RequestHandler;
  /** Clock and randomness for the resilience mechanisms (breakers, budgets, balancers). */
  resilience?: { now?: () => number; random?: () => number };
}): Promise<CentralUnderTest> {
  const config = compileCentral(parseConfig(opts.yaml, {}));
  const [edgeKeys, centralKeys] = await Promise.all([
    generateIdentityKeyPair("edge-test"),
    generateIdentityKeyPair("central-test"),
  ]);
  const redis = opts.redis === "none" ? undefined : new Redis(inject("redisUrl"));
  const logs: LogLine[] = [];
  let logText = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const text = chunk.toString();
      logText += text;
      for (const line of text.split("\n")) if (line.trim() !== "") logs.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  const logger = pino({ level: "debug" }, sink);
  const deps = await buildCentralDeps({
    config,
    logger,
    edgePublicKeys: { keys: [edgeKeys.publicJwk] },
    centralPrivateJwk: centralKeys.privateJwk,
    ...(redis === undefined ? {} : { redis }),
    ...(opts.rateLimit === undefined ? {} : { rateLimit: opts.rateLimit }),
  });
  const central = createApp(config, { ...deps, ...opts.resilience });
  const server = createServer(central.app, config.limits);
  const { port, url } = await listen(server);
  const edgeSigner = await createIdentitySigner({
    privateJwk: edgeKeys.privateJwk,
    issuer: "edge",
    ttlSeconds: config.identity.ttlSeconds,
  });
  return {
    url,
    port,
    config,
    server,
    logs,
    logText: () => logText,
    edgeKeys,
    centralKeys,
    edgeSigner,
    serviceVerifier: (audience) =>
      createIdentityVerifier({
        publicKeys: { keys: [centralKeys.publicJwk] },
        audience,
        issuers: ["central"],
        clockSkewSeconds: 5,
      }),
    mint(method, pathAndQuery, identity = {}) {
      const { cip, ...rest } = identity;
      return edgeSigner.sign({
        identity: { ...ALICE, ...rest },
        audience: "central",
        method,
        pathAndQuery,
        clientIp: cip ?? "203.0.113.7",
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      central.close();
      redis?.disconnect();
    },
  };
}
