import { randomUUID } from "node:crypto";
import { compileCentral, parseConfig } from "@gateway/config";
import { createOrdersServer, ORDERS_PROTO, type OrdersServer } from "@gateway/demo-orders";
import { freePort } from "@gateway/testing";
import { IDENTITY_HEADER, type Identity } from "@gateway/types";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, inject } from "vitest";
import type { GatewayMetrics } from "../../src/metrics/index.ts";
import { createRateLimitPlugin, createRedisRateLimitStore } from "../../src/plugins/rate-limit/index.ts";
import type { Tracer } from "../../src/tracing/index.ts";
import { testConfigPreambleYaml } from "../support/config.ts";
import { type CentralUnderTest, startCentral } from "../support/harness.ts";

export interface GrpcUnderTest {
  central: CentralUnderTest;
  orders: OrdersServer;
  /** A request through central's HTTP port with a fresh edge token for it. */
  call(
    method: string,
    target: string,
    options?: {
      body?: string;
      headers?: Record<string, string>;
      identity?: Partial<Identity>;
      signal?: AbortSignal;
    },
  ): Promise<Response>;
  /** The policy on the `orders-limited` route (limit 2 per consumer). */
  limitedPolicy: string;
}

/**
 * A real grpc-js demo-orders server on a free port and a central (real HTTP,
 * real Redis rate limiting) with gRPC routes to it:
 *   /api/orders          the demo service, NDJSON streaming, forwards x-demo-trace
 *   /api/orders-array    the same, streams as one JSON array
 *   /api/orders-fast     the same with a 300 ms timeout (deadline tests)
 *   /api/orders-limited  the same, 2 requests per consumer per minute
 *   /api/orders-down     the same protos, at an address where nothing listens
 *   /api/orders-fragile  the demo service behind a breaker that opens after 3 consecutive failures
 *   /api/orders-gone     like orders-down, for the breaker tests (its breaker opens)
 */
export function useGrpcCentral(
  onStarted: (started: GrpcUnderTest) => void,
  options: { tracer?: Tracer; metrics?: GatewayMetrics } = {},
): void {
  let orders: OrdersServer | undefined;
  let central: CentralUnderTest | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    // The service verifies central's token with central's public key, known once central runs.
    orders = createOrdersServer({
      verifier: {
        verify: async (token, request) => {
          if (central === undefined) throw new Error("central is not running");
          return (await central.serviceVerifier("orders")).verify(token, request);
        },
      },
    });
    const port = await orders.listen("127.0.0.1", 0);
    const limitedPolicy = `grpc-${randomUUID().slice(0, 8)}`;
    const grpc = (extra: string) =>
      `    grpc:\n      address: 127.0.0.1:${port}\n      protos: [${ORDERS_PROTO}]\n      services: [orders.v1.Orders]\n${extra}`;
    const yaml = `${testConfigPreambleYaml({})}
rateLimits:
  policies:
    - name: ${limitedPolicy}
      algorithm: fixed_window
      limit: 2
      windowSeconds: 60
      key: [consumer, route]
      failMode: closed
routes:
  - name: orders
    path: /api/orders
    auth: jwt
    timeoutMs: 5000
${grpc("      forwardHeaders: [x-demo-trace]\n")}
  - name: orders-array
    path: /api/orders-array
    auth: jwt
${grpc("      streamFormat: json_array\n")}
  - name: orders-fast
    path: /api/orders-fast
    auth: jwt
    timeoutMs: 300
${grpc("")}
  - name: orders-limited
    path: /api/orders-limited
    auth: jwt
    rateLimit: [${limitedPolicy}]
${grpc("")}
  - name: orders-fragile
    path: /api/orders-fragile
    auth: jwt
    circuitBreaker:
      consecutiveFailures: 3
      openMs: 600000
${grpc("")}
  - name: orders-gone
    path: /api/orders-gone
    auth: jwt
    grpc:
      address: 127.0.0.1:${await freePort()}
      protos: [${ORDERS_PROTO}]
  - name: orders-down
    path: /api/orders-down
    auth: jwt
    grpc:
      address: 127.0.0.1:${await freePort()}
      protos: [${ORDERS_PROTO}]
`;
    redis = new Redis(inject("redisUrl"));
    const rateLimit = createRateLimitPlugin(compileCentral(parseConfig(yaml, {})).rateLimits.policies, {
      store: createRedisRateLimitStore(redis),
      logger: pino({ level: "silent" }),
    });
    central = await startCentral({
      yaml,
      redis: "none",
      rateLimit,
      ...(options.tracer === undefined ? {} : { tracer: options.tracer }),
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    });
    const started = central;
    onStarted({
      central: started,
      orders,
      limitedPolicy,
      async call(method, target, options = {}) {
        return fetch(started.url + target, {
          method,
          headers: {
            [IDENTITY_HEADER]: await started.mint(method, target, options.identity),
            ...(options.body === undefined ? {} : { "content-type": "application/json" }),
            ...options.headers,
          },
          ...(options.body === undefined ? {} : { body: options.body }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
      },
    });
  });
  afterAll(async () => {
    await central?.close();
    await orders?.stop();
    redis?.disconnect();
  });
}

export async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`not JSON (${response.status}): ${text}`);
  }
}
