import type {
  BalancerConfig,
  CircuitBreakerConfig,
  HealthCheckConfig,
  OutlierDetectionConfig,
} from "@gateway/types";
import type { Logger } from "pino";
import {
  type BreakerState,
  type CircuitBreaker,
  createCircuitBreaker,
} from "../resilience/circuit-breaker/index.ts";
import {
  createHealthChecker,
  type HealthChecker,
  type HealthProbe,
} from "../resilience/health-check/index.ts";
import { createOutlierDetector } from "../resilience/outlier-detection/index.ts";
import { createBalancer } from "./balancer/index.ts";
import type { Lease, Outcome, PickResult, UpstreamPool, UpstreamTarget } from "./types.ts";

export interface UpstreamPoolOptions {
  /** Names the pool in logs and /readyz (the route name). */
  name: string;
  targets: ReadonlyArray<{ id: string; weight: number }>;
  balancer: BalancerConfig;
  circuitBreaker: CircuitBreakerConfig;
  outlierDetection: OutlierDetectionConfig;
  healthCheck?: HealthCheckConfig;
}

export interface UpstreamPoolDeps {
  logger: Logger;
  now: () => number;
  random: () => number;
  /** Needed with a healthCheck: probes one target (the HTTP transport's probe for HTTP targets). */
  probe?: HealthProbe;
  /** Every breaker transition (e.g. for the gateway_breaker_state metric), besides the log line. */
  onBreakerChange?: (route: string, target: string, state: BreakerState) => void;
}

function isFailure(outcome: Outcome): boolean | undefined {
  if (outcome.kind === "cancelled") return undefined;
  return outcome.kind === "failure" || outcome.status >= 500;
}

/**
 * A route's targets and everything that decides which one gets a request:
 * a breaker per target, passive outlier ejection, optional active health checks
 * and the balancer, which only ever sees targets that are in rotation.
 */
export function createUpstreamPool(options: UpstreamPoolOptions, deps: UpstreamPoolDeps): UpstreamPool {
  const { logger, now } = deps;
  const size = options.targets.length;
  if (size === 0) throw new Error(`upstream pool "${options.name}" has no targets`);
  const targets: UpstreamTarget[] = options.targets.map((t, index) => ({
    index,
    id: t.id,
    weight: t.weight,
  }));
  const outstanding = new Array<number>(size).fill(0);
  const log = (index: number) => ({ route: options.name, target: targets[index]?.id });

  // At most maxEjectionPercent of the pool out of rotation at once, whatever takes it out.
  const maxOut = Math.floor((size * options.outlierDetection.maxEjectionPercent) / 100);
  let health: HealthChecker | undefined;
  const outCount = (except: number) => {
    let out = 0;
    for (let i = 0; i < size; i++)
      if (i !== except && (outlier.ejected(i) || health?.healthy(i) === false)) out++;
    return out;
  };
  const canTakeOut = (index: number) => outCount(index) + 1 <= maxOut;

  const outlier = createOutlierDetector(size, options.outlierDetection, {
    now,
    canTakeOut,
    onEject: (index, ms, failures) =>
      logger.warn({ ...log(index), ejectionMs: ms, failures }, "upstream target ejected"),
    onReturn: (index, reason) => logger.info({ ...log(index), reason }, "upstream target returned"),
  });
  if (options.healthCheck !== undefined) {
    if (deps.probe === undefined)
      throw new Error(`upstream pool "${options.name}" has health checks but no probe`);
    health = createHealthChecker(size, options.healthCheck, {
      probe: deps.probe,
      canTakeOut,
      onChange(index, healthy, detail) {
        if (healthy) logger.info({ ...log(index), detail }, "upstream target healthy");
        else logger.warn({ ...log(index), detail }, "upstream target unhealthy");
      },
      onPassing: (index) => outlier.returnTarget(index, "health check passed"),
    });
    health.start();
  }
  const breakers: CircuitBreaker[] = targets.map((_, index) =>
    createCircuitBreaker(options.circuitBreaker, {
      now,
      onStateChange: (from, to, reason) => {
        const entry = { ...log(index), from, to, reason };
        if (to === "open") logger.warn(entry, "circuit breaker opened");
        else logger.info(entry, to === "closed" ? "circuit breaker closed" : "circuit breaker half-open");
        deps.onBreakerChange?.(options.name, targets[index]?.id ?? "", to);
      },
    }),
  );
  const balancer = createBalancer(options.balancer, {
    ids: targets.map((t) => t.id),
    weights: targets.map((t) => t.weight),
    outstanding: (index) => outstanding[index] ?? 0,
    random: deps.random,
  });

  const inRotation = (index: number) => !outlier.ejected(index) && health?.healthy(index) !== false;

  const lease = (index: number): PickResult => {
    const permit = breakers[index]?.tryAcquire();
    if (permit === undefined) return refusal();
    outstanding[index] = (outstanding[index] ?? 0) + 1;
    let reported = false;
    const result: Lease = {
      target: targets[index] as UpstreamTarget,
      breaker: (breakers[index] as CircuitBreaker).state() === "half_open" ? "half_open" : "closed",
      report(outcome) {
        if (reported) return;
        reported = true;
        outstanding[index] = (outstanding[index] ?? 1) - 1;
        const failed = isFailure(outcome);
        if (failed === undefined) {
          permit.release();
          return;
        }
        if (failed) permit.failure();
        else permit.success();
        outlier.record(index, failed);
      },
    };
    return { ok: true, lease: result };
  };

  const refusal = (): PickResult => {
    let retryAfterMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < size; i++) {
      if (!inRotation(i)) continue;
      const breaker = breakers[i] as CircuitBreaker;
      if (!breaker.available()) retryAfterMs = Math.min(retryAfterMs, breaker.retryAfterMs());
    }
    if (retryAfterMs === Number.POSITIVE_INFINITY)
      return { ok: false, reason: "no_healthy_target", retryAfterMs: 1000 };
    return { ok: false, reason: "breaker_open", retryAfterMs };
  };

  return {
    name: options.name,
    targets,
    pick(pickOptions = {}) {
      const avoid = pickOptions.avoid;
      const usable = (i: number) => inRotation(i) && (breakers[i] as CircuitBreaker).available();
      let index =
        avoid === undefined || avoid.size === 0
          ? undefined
          : balancer.choose((i) => !avoid.has(i) && usable(i), pickOptions.hashKey);
      index ??= balancer.choose(usable, pickOptions.hashKey);
      return index === undefined ? refusal() : lease(index);
    },
    snapshot() {
      return targets.map((target, index) => {
        const breaker = (breakers[index] as CircuitBreaker).snapshot();
        return {
          target: target.id,
          weight: target.weight,
          outstanding: outstanding[index] ?? 0,
          breaker: {
            state: breaker.state,
            consecutiveFailures: breaker.consecutiveFailures,
            window: breaker.window,
          },
          ejected: outlier.ejected(index),
          healthy: health?.healthy(index) ?? true,
        };
      });
    },
    close() {
      health?.stop();
    },
  };
}
