import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import {
  type CounterSeries,
  createFastCounter,
  createFastHistogram,
  type HistogramSeries,
} from "./fast-series.ts";
import { METRIC_NAMES } from "./names.ts";

export { CENTRAL_METRIC_NAMES, METRIC_NAMES } from "./names.ts";
export { createMetricsServer, type MetricsServer } from "./server.ts";

export type RateLimitDecision = "allowed" | "limited" | "failed_open" | "failed_closed";
export type UpstreamOutcome =
  | "success"
  | "http_5xx"
  | "connect_error"
  | "connect_timeout"
  | "timeout"
  | "reset"
  | "breaker_open";
export type BreakerState = "closed" | "half_open" | "open";

/** What central records; each method is cheap enough for the request path (labels from bounded sets). */
export interface GatewayMetrics {
  readonly registry: Registry;
  request(route: string | undefined, method: string, status: number, seconds: number): void;
  upstream(route: string, outcome: UpstreamOutcome, seconds: number): void;
  rateLimit(policy: string, decision: RateLimitDecision): void;
  identityFailure(reason: string): void;
  breaker(route: string, target: string, state: BreakerState): void;
  /** The edge's cache outcome for a request it forwarded (miss, stale, bypass, ...). */
  edgeCache(status: string): void;
  redisCommand(seconds: number): void;
  redisError(): void;
  configLoaded(hash: string): void;
  configReload(result: "applied" | "rejected"): void;
}

const UNROUTED = "(unrouted)";
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };
/** Request latencies from sub-millisecond (rejections) to the longest route timeout. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const REDIS_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1];
/** A free-form label value (a reason, a cache status) that is not a short token is counted as "other". */
function boundedLabel(value: string): string {
  return /^[a-z_-]{1,32}$/.test(value) ? value : "other";
}

/** The value under `key`, made once. */
function entry<Key, Value>(map: Map<Key, Value>, key: Key, make: () => Value): Value {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** Shared, so a lookup allocates no closure. */
const newMap = <Key, Value>() => new Map<Key, Value>();

/** Two-level child cache: `outer` → `inner` → the prom-client child `make` builds once. */
function cached<Child>(
  cache: Map<string, Map<string, Child>>,
  outer: string,
  inner: string,
  make: () => Child,
): Child {
  return entry(entry(cache, outer, newMap<string, Child>), inner, make);
}

export interface MetricsOptions {
  /** Node process metrics (event-loop lag, heap, GC); default true. */
  collectDefaults?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.collectDefaults !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // The four metrics recorded on every request: series resolved once per label set (fast-series.ts).
  const requests = createFastCounter(registry, {
    name: METRIC_NAMES.requests,
    help: "Requests answered by central, by route, method and status",
    labelNames: ["route", "method", "status"],
  });
  const requestDuration = createFastHistogram(registry, {
    name: METRIC_NAMES.requestDuration,
    help: "Time from request to response end at central, by route, method and status",
    labelNames: ["route", "method", "status"],
    buckets: LATENCY_BUCKETS,
  });
  const upstreamDuration = createFastHistogram(registry, {
    name: METRIC_NAMES.upstreamDuration,
    help: "Time to the upstream's response headers (or failure), by route and outcome",
    labelNames: ["route", "outcome"],
    buckets: LATENCY_BUCKETS,
  });
  const rateLimitDecisions = createFastCounter(registry, {
    name: METRIC_NAMES.rateLimitDecisions,
    help: "Rate-limit decisions by policy and outcome",
    labelNames: ["policy", "decision"],
  });
  const identityFailures = new Counter({
    name: METRIC_NAMES.identityFailures,
    help: "Edge identity tokens rejected, by reason",
    labelNames: ["reason"],
    registers,
  });
  const breakerState = new Gauge({
    name: METRIC_NAMES.breakerState,
    help: "Circuit breaker state per route and target: 0 closed, 1 half-open, 2 open",
    labelNames: ["route", "target"],
    registers,
  });
  const breakerTransitions = new Counter({
    name: METRIC_NAMES.breakerTransitions,
    help: "Circuit breaker transitions per route, target and new state",
    labelNames: ["route", "target", "to"],
    registers,
  });
  const edgeCacheStatus = new Counter({
    name: METRIC_NAMES.edgeCacheStatus,
    help: "Requests the edge forwarded, by its cache outcome (hits never reach central)",
    labelNames: ["status"],
    registers,
  });
  const redisCommandDuration = new Histogram({
    name: METRIC_NAMES.redisCommandDuration,
    help: "Round trip of central's Redis commands (rate-limit scripts, replay checks)",
    buckets: REDIS_BUCKETS,
    registers,
  });
  const redisErrors = new Counter({
    name: METRIC_NAMES.redisErrors,
    help: "Redis commands that failed or timed out",
    registers,
  });
  const configInfo = new Gauge({
    name: METRIC_NAMES.configInfo,
    help: "The loaded configuration: 1 for its hash",
    labelNames: ["hash"],
    registers,
  });
  const configReloads = new Counter({
    name: METRIC_NAMES.configReloads,
    help: "Configuration reloads by result",
    labelNames: ["result"],
    registers,
  });

  // Children per label set, looked up without building a label object or key string per call
  // (prom-client's labels() hashes a fresh object each time). The label sets are bounded.
  type RequestChildren = { count: CounterSeries; duration: HistogramSeries };
  const requestCache = new Map<string, Map<string, Map<number, RequestChildren>>>();
  const requestChildren = (route: string, method: string, status: number): RequestChildren => {
    const byMethod = entry(requestCache, route, newMap<string, Map<number, RequestChildren>>);
    const byStatus = entry(byMethod, method, newMap<number, RequestChildren>);
    // Not through entry(): its `make` would be a closure per request.
    let children = byStatus.get(status);
    if (children === undefined) {
      const code = status >= 100 && status <= 599 ? String(status) : "other";
      children = {
        count: requests.child(route, method, code),
        duration: requestDuration.child(route, method, code),
      };
      byStatus.set(status, children);
    }
    return children;
  };
  const upstreamChildren = new Map<string, Map<string, HistogramSeries>>();
  const rateLimitChildren = new Map<string, Map<string, CounterSeries>>();

  return {
    registry,
    request(route, method, status, seconds) {
      const children = requestChildren(route ?? UNROUTED, METHODS.has(method) ? method : "OTHER", status);
      children.count.inc();
      children.duration.observe(seconds);
    },
    upstream(route, outcome, seconds) {
      cached(upstreamChildren, route, outcome, () => upstreamDuration.child(route, outcome)).observe(seconds);
    },
    rateLimit(policy, decision) {
      cached(rateLimitChildren, policy, decision, () => rateLimitDecisions.child(policy, decision)).inc();
    },
    identityFailure(reason) {
      identityFailures.labels(boundedLabel(reason)).inc();
    },
    breaker(route, target, state) {
      breakerState.labels(route, target).set(BREAKER_VALUE[state]);
      breakerTransitions.labels(route, target, state).inc();
    },
    edgeCache(status) {
      edgeCacheStatus.labels(boundedLabel(status)).inc();
    },
    redisCommand(seconds) {
      redisCommandDuration.observe(seconds);
    },
    redisError() {
      redisErrors.inc();
    },
    configLoaded(hash) {
      configInfo.reset();
      configInfo.labels(hash).set(1);
    },
    configReload(result) {
      configReloads.labels(result).inc();
    },
  };
}
