/**
 * The metric names central exports on /metrics that infra/ (alerts, dashboard) may read.
 * apps/central's metrics test scrapes a real central and checks it exports each of them.
 */
export const CENTRAL_METRICS = [
  "gateway_http_requests_total",
  "gateway_http_request_duration_seconds",
  "gateway_upstream_duration_seconds",
  "gateway_rate_limit_decisions_total",
  "gateway_identity_failures_total",
  "gateway_breaker_state",
  "gateway_edge_cache_status_total",
  "gateway_redis_command_duration_seconds",
  "gateway_redis_errors_total",
  "gateway_config_info",
  "nodejs_eventloop_lag_p99_seconds",
  "nodejs_heap_size_used_bytes",
] as const;
