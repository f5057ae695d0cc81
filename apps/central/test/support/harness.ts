import type http from "node:http";
import { createIdentityVerifier, type IdentityVerifier } from "@gateway/identity";
import { listen } from "@gateway/testing";
import type { CentralConfig, Identity } from "@gateway/types";
import type { RequestHandler } from "express";
import { Redis } from "ioredis";
import { inject } from "vitest";
import type { GatewayMetrics } from "../../src/metrics/index.ts";
import { instrumentRedis } from "../../src/redis/instrument.ts";
import { createServer } from "../../src/server/index.ts";
import type { Tracer } from "../../src/tracing/index.ts";
import { composeTestCentral, type LogLine, type TestCentral } from "./compose.ts";

export { ALICE, type LogLine } from "./compose.ts";

export interface CentralUnderTest
  extends Pick<TestCentral, "edgeKeys" | "edgeHopSecret" | "centralKeys" | "edgeSigner"> {
  url: string;
  port: number;
  config: CentralConfig;
  server: http.Server;
  logs: LogLine[];
  /** Raw log output, to assert that secrets never appear in it. */
  logText(): string;
  /** Verifies central's token as the service for `audience` (the route name) would. */
  serviceVerifier(audience: string): Promise<IdentityVerifier>;
  /** An edge identity token for this method + request target. */
  mint(
    method: string,
    pathAndQuery: string,
    identity?: Partial<Identity> & { cip?: string; country?: string; continent?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

/** Central as production composes it (a real Redis unless `redis: "none"`), on the hardened server, port 0. */
export async function startCentral(opts: {
  yaml: string;
  redis?: "real" | "none";
  rateLimit?: RequestHandler;
  /** Clock and randomness for the resilience mechanisms (breakers, budgets, balancers). */
  resilience?: { now?: () => number; random?: () => number };
  /** Metrics central records into (its Redis client instrumented as main.ts does). */
  metrics?: GatewayMetrics;
  tracer?: Tracer;
}): Promise<CentralUnderTest> {
  const redis = opts.redis === "none" ? undefined : new Redis(inject("redisUrl"));
  if (redis !== undefined && opts.metrics !== undefined) instrumentRedis(redis, opts.metrics);
  const test = await composeTestCentral({
    yaml: opts.yaml,
    keyPrefix: "test",
    ...(redis === undefined ? {} : { redis }),
    ...(opts.rateLimit === undefined ? {} : { rateLimit: opts.rateLimit }),
    ...(opts.resilience === undefined ? {} : { resilience: opts.resilience }),
    ...(opts.metrics === undefined ? {} : { metrics: opts.metrics }),
    ...(opts.tracer === undefined ? {} : { tracer: opts.tracer }),
  });
  const server = createServer(
    test.central.app,
    test.config.limits,
    test.central.websocket === undefined ? {} : { websocketUpgrade: test.central.websocket.upgrade },
  );
  const { port, url } = await listen(server);
  return {
    url,
    port,
    config: test.config,
    server,
    logs: test.logs,
    logText: test.logText,
    edgeKeys: test.edgeKeys,
    edgeHopSecret: test.edgeHopSecret,
    centralKeys: test.centralKeys,
    edgeSigner: test.edgeSigner,
    mint: test.mint,
    serviceVerifier: (audience) =>
      createIdentityVerifier({
        publicKeys: { keys: [test.centralKeys.publicJwk] },
        audience,
        issuers: ["central"],
        clockSkewSeconds: 5,
      }),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      test.central.close();
      redis?.disconnect();
    },
  };
}
