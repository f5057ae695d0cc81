import {
  type BalancerConfig,
  type CircuitBreakerConfig,
  type ConcurrencyConfig,
  DEFAULT_BALANCER,
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_CONCURRENCY,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_OUTLIER_DETECTION,
  DEFAULT_RETRY,
  type HealthCheckConfig,
  type OutlierDetectionConfig,
  type RetryConfig,
  type RouteConfig,
  type TimeoutsConfig,
} from "@gateway/types";

/** Every resilience setting of a route, defaults filled (a compiled config has them all already). */
export interface RouteResilience {
  targets: Array<{ id: string; weight: number }>;
  balancer: BalancerConfig;
  healthCheck?: HealthCheckConfig;
  outlierDetection: OutlierDetectionConfig;
  circuitBreaker: CircuitBreakerConfig;
  timeouts: TimeoutsConfig;
  retry: RetryConfig;
  concurrency: ConcurrencyConfig;
}

export function routeResilience(route: RouteConfig): RouteResilience {
  const { upstream } = route;
  return {
    targets: upstream.urls.map((id, i) => ({ id, weight: upstream.weights?.[i] ?? 1 })),
    balancer: upstream.balancer ?? DEFAULT_BALANCER,
    ...(upstream.healthCheck === undefined ? {} : { healthCheck: upstream.healthCheck }),
    outlierDetection: upstream.outlierDetection ?? DEFAULT_OUTLIER_DETECTION,
    circuitBreaker: route.circuitBreaker ?? DEFAULT_CIRCUIT_BREAKER,
    timeouts: route.timeouts ?? {
      connectMs: Math.min(DEFAULT_CONNECT_TIMEOUT_MS, route.timeoutMs),
      firstByteMs: route.timeoutMs,
    },
    retry: route.retry ?? DEFAULT_RETRY,
    concurrency: route.concurrency ?? DEFAULT_CONCURRENCY,
  };
}
