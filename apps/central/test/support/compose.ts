import { Writable } from "node:stream";
import { compileCentral, parseConfig } from "@gateway/config";
import {
  createHmacIdentitySigner,
  createIdentitySigner,
  generateHopSecret,
  generateIdentityKeyPair,
  type HopSecretJwk,
  type IdentityKeyPair,
  type IdentitySigner,
} from "@gateway/identity";
import type { CentralConfig, Identity } from "@gateway/types";
import type { RequestHandler } from "express";
import type { Redis } from "ioredis";
import { type ComposedCentral, composeCentral } from "../../src/composition/index.ts";
import { createCentralLogger } from "../../src/logging/index.ts";
import type { GatewayMetrics } from "../../src/metrics/index.ts";
import type { Tracer } from "../../src/tracing/index.ts";

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export const ALICE: Identity = { sub: "alice", roles: ["user"], scopes: ["users:read"], auth: "jwt" };

export interface TestCentral {
  config: CentralConfig;
  central: ComposedCentral;
  logs: LogLine[];
  /** Raw log output, to assert that secrets never appear in it. */
  logText(): string;
  /** The edge's Ed25519 pair: signs edge tokens when the config's identity.hop.algorithm is EdDSA. */
  edgeKeys: IdentityKeyPair;
  /** The HS256 key shared with the edge (EDGE_CENTRAL_KEYS): signs edge tokens with the default hop. */
  edgeHopSecret: HopSecretJwk;
  centralKeys: IdentityKeyPair;
  edgeSigner: IdentitySigner;
  /** An edge identity token for this method + request target. */
  mint(
    method: string,
    target: string,
    identity?: Partial<Identity> & { cip?: string; country?: string; continent?: string },
  ): Promise<string>;
}

/**
 * Central as production wires it (src/composition/: rate limits, replay
 * protection, readiness, proxy), from YAML, with fresh identity keys and a
 * debug log captured in memory. `rateLimit` replaces the configured rate limit
 * in its slot (to observe or break that step).
 */
export async function composeTestCentral(opts: {
  yaml: string;
  redis?: Redis;
  rateLimit?: RequestHandler;
  keyPrefix: string;
  /** Clock and randomness for the resilience mechanisms (breakers, budgets, balancers). */
  resilience?: { now?: () => number; random?: () => number };
  metrics?: GatewayMetrics;
  tracer?: Tracer;
}): Promise<TestCentral> {
  const config = compileCentral(parseConfig(opts.yaml, {}));
  const [edgeKeys, centralKeys] = await Promise.all([
    generateIdentityKeyPair(`edge-${opts.keyPrefix}`),
    generateIdentityKeyPair(`central-${opts.keyPrefix}`),
  ]);
  const edgeHopSecret = generateHopSecret(`edge-${opts.keyPrefix}`);
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
  const central = await composeCentral(
    config,
    {
      edgeCentralKeys: { keys: [edgeHopSecret] },
      edgePublicKeys: { keys: [edgeKeys.publicJwk] },
      centralPrivateJwk: centralKeys.privateJwk,
    },
    {
      logger: createCentralLogger("debug", sink),
      ...(opts.metrics === undefined ? {} : { metrics: opts.metrics }),
      ...(opts.tracer === undefined ? {} : { tracer: opts.tracer }),
      ...(opts.redis === undefined ? {} : { redis: opts.redis }),
      ...(opts.resilience?.now === undefined ? {} : { clock: opts.resilience.now }),
      ...(opts.resilience?.random === undefined ? {} : { random: opts.resilience.random }),
    },
    opts.rateLimit === undefined ? {} : { rateLimit: opts.rateLimit },
  );
  const edgeSigner =
    config.identity.hop.algorithm === "HS256"
      ? await createHmacIdentitySigner({
          secretJwk: edgeHopSecret,
          issuer: "edge",
          ttlSeconds: config.identity.ttlSeconds,
        })
      : await createIdentitySigner({
          privateJwk: edgeKeys.privateJwk,
          issuer: "edge",
          ttlSeconds: config.identity.ttlSeconds,
        });
  return {
    config,
    central,
    logs,
    logText: () => logText,
    edgeKeys,
    edgeHopSecret,
    centralKeys,
    edgeSigner,
    mint(method, target, identity = {}) {
      const { cip, country, continent, ...rest } = identity;
      return edgeSigner.sign({
        identity: { ...ALICE, ...rest },
        audience: "central",
        method,
        pathAndQuery: target,
        clientIp: cip ?? "203.0.113.7",
        ...(country === undefined ? {} : { country }),
        ...(continent === undefined ? {} : { continent }),
      });
    },
  };
}
