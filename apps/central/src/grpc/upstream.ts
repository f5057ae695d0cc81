import type { RouteConfig } from "@gateway/types";
import { status as grpcStatus } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { type Bulkhead, createBulkhead } from "../resilience/bulkhead/index.ts";
import { routeResilience } from "../resilience/route-settings.ts";
import { createUpstreamPool, type UpstreamPoolDeps } from "../upstream/pool.ts";
import type { Outcome, UpstreamPool } from "../upstream/types.ts";

/** A gRPC route's protection: a pool of its one address (breaker, outlier ejection) and its bulkhead. */
export interface GrpcUpstream {
  pool: UpstreamPool;
  bulkhead: Bulkhead;
}

export interface GrpcUpstreamDeps {
  logger: Logger;
  now: () => number;
  random: () => number;
  onBreakerChange?: UpstreamPoolDeps["onBreakerChange"];
}

export function createGrpcUpstream(
  route: RouteConfig,
  address: string,
  deps: GrpcUpstreamDeps,
): GrpcUpstream {
  const settings = routeResilience(route);
  const pool = createUpstreamPool(
    {
      name: route.name,
      targets: [{ id: address, weight: 1 }],
      balancer: settings.balancer,
      circuitBreaker: settings.circuitBreaker,
      outlierDetection: settings.outlierDetection,
    },
    {
      logger: deps.logger,
      now: deps.now,
      random: deps.random,
      ...(deps.onBreakerChange === undefined ? {} : { onBreakerChange: deps.onBreakerChange }),
    },
  );
  return { pool, bulkhead: createBulkhead(settings.concurrency) };
}

/** How a finished call ended, as the breaker and outlier detection learn it. */
export interface CallEnd {
  code: number;
  /** Whether the server sent response headers (initial metadata) before the status. */
  answered: boolean;
  /** The call was cancelled by central (client gone): counts neither way. */
  cancelledByUs: boolean;
  latencyMs: number;
}

/** Codes that say the service (not the request) failed: they count against the breaker. */
const SERVICE_FAILURE_CODES = new Set([grpcStatus.INTERNAL, grpcStatus.UNKNOWN, grpcStatus.DATA_LOSS]);

/**
 * gRPC status → outcome: UNAVAILABLE before any answer is a connect error (after one, a
 * reset), DEADLINE_EXCEEDED a timeout, INTERNAL/UNKNOWN/DATA_LOSS a 500; every other
 * code is the caller's problem and never counts as a failure.
 */
export function grpcOutcome(end: CallEnd): Outcome {
  const { code, latencyMs } = end;
  if (end.cancelledByUs && code === grpcStatus.CANCELLED) return { kind: "cancelled" };
  if (code === grpcStatus.UNAVAILABLE)
    return { kind: "failure", failure: end.answered ? "reset" : "connect_error", latencyMs };
  if (code === grpcStatus.DEADLINE_EXCEEDED) return { kind: "failure", failure: "timeout", latencyMs };
  if (SERVICE_FAILURE_CODES.has(code)) return { kind: "response", status: 500, latencyMs };
  return { kind: "response", status: code === grpcStatus.OK ? 200 : 400, latencyMs };
}
