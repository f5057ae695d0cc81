/**
 * Resilience settings of a central route: how its upstream pool balances, checks
 * and ejects targets, when its circuit breaker opens, its timeouts, retries and
 * concurrency limit. The schema in @gateway/config fills every default below, so a
 * compiled CentralConfig always carries them; the constants are also what central
 * falls back to for a route built by hand (tests, other capabilities).
 * Durations are milliseconds.
 */

import type { HttpMethod } from "./config.ts";

export const BALANCER_STRATEGIES = ["round_robin", "least_outstanding", "consistent_hash"] as const;
export type BalancerStrategy = (typeof BALANCER_STRATEGIES)[number];

export interface BalancerConfig {
  /**
   * round_robin: smooth weighted round robin; least_outstanding: power of two
   * choices on in-flight requests / weight; consistent_hash: a ring keyed by `hashBy`.
   */
  strategy: BalancerStrategy;
  /** consistent_hash only: the consumer (identity `sub`), the client IP, or a request header. */
  hashBy: "consumer" | "client_ip" | "header";
  /** hashBy header: the header's lower-case name. */
  header?: string;
}

export interface HealthCheckConfig {
  /** Request path (and query) probed with GET on every target. */
  path: string;
  intervalMs: number;
  timeoutMs: number;
  /** Statuses that count as healthy. */
  expectedStatuses: number[];
  /** Consecutive passing probes that bring a target back. */
  healthyThreshold: number;
  /** Consecutive failing probes that take a target out. */
  unhealthyThreshold: number;
}

export interface OutlierDetectionConfig {
  enabled: boolean;
  /** Consecutive failures (5xx, connect error, timeout, reset) that eject a target. */
  consecutiveFailures: number;
  /** First ejection lasts this long; the n-th lasts n times as long, up to maxEjectionMs. */
  baseEjectionMs: number;
  maxEjectionMs: number;
  /** At most this share of the pool is out of rotation at once (ejected or failing its health check). */
  maxEjectionPercent: number;
}

export interface CircuitBreakerConfig {
  enabled: boolean;
  /** Opens after this many failures in a row. */
  consecutiveFailures: number;
  /** Opens when failures reach this percentage of the requests in the window ... */
  errorRatePercent: number;
  windowMs: number;
  /** ... provided the window holds at least this many requests. */
  minimumRequests: number;
  /** How long it stays open before admitting trial requests (also the Retry-After). */
  openMs: number;
  /** Trial requests admitted while half-open; all must succeed to close. */
  halfOpenTrials: number;
}

export interface TimeoutsConfig {
  /** TCP (and TLS) connection to the target. */
  connectMs: number;
  /** From sending the request to the response headers; also the idle limit between body chunks. */
  firstByteMs: number;
  /** The whole exchange, retries included; absent = bounded only by firstByteMs and the idle limit. */
  totalMs?: number;
}

export const RETRY_CONDITIONS = ["connect_error", "timeout", "reset", "5xx", "502", "503", "504"] as const;
export type RetryCondition = (typeof RETRY_CONDITIONS)[number];

export interface RetryBudgetConfig {
  /** Retries may be at most this percentage of the requests in the window ... */
  percent: number;
  windowMs: number;
  /** ... plus this many retries per second regardless, so a quiet route can still retry. */
  minRetriesPerSecond: number;
}

export interface RetryConfig {
  /** Attempts in total, the first included (1 = never retry). */
  attempts: number;
  /** Which failed attempts may be retried. */
  on: RetryCondition[];
  /** Methods that may be retried (default: the idempotent ones). */
  methods: HttpMethod[];
  /** Exponential backoff with full jitter: a random delay in [0, min(maxMs, baseMs * 2^(retry-1))]. */
  backoff: { baseMs: number; maxMs: number };
  /**
   * A body is replayed on a retry only if it was recorded whole while it
   * streamed to the first target, which central does up to this many bytes (0 = bodiless requests only).
   */
  maxBufferedBodyBytes: number;
  budget: RetryBudgetConfig;
}

export interface ConcurrencyConfig {
  /** Requests of this route in flight to the upstream at once (per central process). */
  limit: number;
  /** Requests that may wait for a slot; beyond it, 503 overloaded at once. */
  queue: number;
  /** A queued request waits at most this long, then 503 overloaded. */
  queueTimeoutMs: number;
}

export const DEFAULT_BALANCER: BalancerConfig = { strategy: "round_robin", hashBy: "consumer" };

export const DEFAULT_OUTLIER_DETECTION: OutlierDetectionConfig = {
  enabled: true,
  consecutiveFailures: 5,
  baseEjectionMs: 30_000,
  maxEjectionMs: 300_000,
  maxEjectionPercent: 50,
};

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerConfig = {
  enabled: true,
  consecutiveFailures: 5,
  errorRatePercent: 50,
  windowMs: 10_000,
  minimumRequests: 20,
  openMs: 5_000,
  halfOpenTrials: 1,
};

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export const IDEMPOTENT_METHODS: readonly HttpMethod[] = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"];

export const DEFAULT_RETRY: RetryConfig = {
  attempts: 2,
  on: ["connect_error"],
  methods: [...IDEMPOTENT_METHODS],
  backoff: { baseMs: 25, maxMs: 250 },
  maxBufferedBodyBytes: 64 * 1024,
  budget: { percent: 20, windowMs: 10_000, minRetriesPerSecond: 3 },
};

export const DEFAULT_CONCURRENCY: ConcurrencyConfig = { limit: 1024, queue: 64, queueTimeoutMs: 1_000 };
