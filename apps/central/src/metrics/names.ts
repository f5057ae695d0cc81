/**
 * Every metric central exports on its metrics listener. infra/ (alert rules, the Grafana dashboard)
 * may only read these; its static check imports this list. Labels are bounded: route names from the
 * config (never raw paths), HTTP methods from a fixed set, status codes, configured targets.
 */
export const METRIC_NAMES = {
  requests: "gateway_http_requests_total",
  requestDuration: "gateway_http_request_duration_seconds",
  upstreamDuration: "gateway_upstream_duration_seconds",
  rateLimitDecisions: "gateway_rate_limit_decisions_total",
  identityFailures: "gateway_identity_failures_total",
  breakerState: "gateway_breaker_state",
  breakerTransitions: "gateway_breaker_transitions_total",
  edgeCacheStatus: "gateway_edge_cache_status_total",
  redisCommandDuration: "gateway_redis_command_duration_seconds",
  redisErrors: "gateway_redis_errors_total",
  configInfo: "gateway_config_info",
  configReloads: "gateway_config_reloads_total",
} as const;

/** prom-client's default Node metrics that infra/ reads (collectDefaultMetrics). */
export const DEFAULT_METRIC_NAMES = [
  "nodejs_eventloop_lag_p99_seconds",
  "nodejs_heap_size_used_bytes",
] as const;

export const CENTRAL_METRIC_NAMES: readonly string[] = [
  ...Object.values(METRIC_NAMES),
  ...DEFAULT_METRIC_NAMES,
];
