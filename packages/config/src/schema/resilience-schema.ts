import {
  BALANCER_STRATEGIES,
  DEFAULT_BALANCER,
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_CONCURRENCY,
  DEFAULT_OUTLIER_DETECTION,
  DEFAULT_RETRY,
  HTTP_METHODS,
  RETRY_CONDITIONS,
} from "@gateway/types";
import { z } from "zod";
import { nonNegativeInt, positiveInt, uniqueList } from "./primitives.ts";
import { upstreamUrlProblem } from "./url-problem.ts";

/**
 * The resilience blocks of a route (see docs/resilience.md): the upstream pool
 * (targets, balancer, health checks, outlier detection) and the route's circuit
 * breaker, timeouts, retries and concurrency limit. Every knob has a default.
 */

const upstreamUrl = z.string({ error: "must be a string" }).superRefine((url, ctx) => {
  const problem = upstreamUrlProblem(url);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const HOUR_MS = 3_600_000;
const bool = z.boolean({ error: "must be true or false" });

const headerName = z
  .string({ error: "must be a string" })
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: "must be an HTTP header name" })
  .transform((name) => name.toLowerCase());

const balancerObject = z.strictObject({
  strategy: z.enum(BALANCER_STRATEGIES),
  hashBy: z.enum(["consumer", "client_ip", "header"]).default(DEFAULT_BALANCER.hashBy),
  header: headerName.optional(),
});

const balancerSchema = z
  .union([z.enum(BALANCER_STRATEGIES), balancerObject], {
    error: `must be one of ${BALANCER_STRATEGIES.join(", ")} or a mapping { strategy, hashBy, header }`,
  })
  .transform((balancer) =>
    typeof balancer === "string" ? { strategy: balancer, hashBy: DEFAULT_BALANCER.hashBy } : balancer,
  );

const statusCode = z
  .int({ error: "must be an HTTP status" })
  .min(100, { error: "must be an HTTP status" })
  .max(599, { error: "must be an HTTP status" });

export const healthCheckSchema = z.strictObject({
  path: z
    .string({ error: "must be a string" })
    .regex(/^\/[\x21-\x7e]*$/, { error: 'must start with "/" and contain no spaces or control characters' }),
  intervalMs: positiveInt(HOUR_MS).default(5_000),
  timeoutMs: positiveInt(HOUR_MS).default(1_000),
  expectedStatuses: uniqueList(statusCode)
    .min(1, { error: "must list at least one status" })
    .default(() => [200]),
  healthyThreshold: positiveInt(100).default(2),
  unhealthyThreshold: positiveInt(100).default(3),
});

export const outlierDetectionSchema = z.strictObject({
  enabled: bool.default(DEFAULT_OUTLIER_DETECTION.enabled),
  consecutiveFailures: positiveInt(10_000).default(DEFAULT_OUTLIER_DETECTION.consecutiveFailures),
  baseEjectionMs: positiveInt(HOUR_MS).default(DEFAULT_OUTLIER_DETECTION.baseEjectionMs),
  maxEjectionMs: positiveInt(24 * HOUR_MS).default(DEFAULT_OUTLIER_DETECTION.maxEjectionMs),
  maxEjectionPercent: nonNegativeInt(100).default(DEFAULT_OUTLIER_DETECTION.maxEjectionPercent),
});

const targetSchema = z.strictObject({
  url: upstreamUrl,
  weight: positiveInt(1000).default(1),
});

const upstreamObject = z
  .strictObject({
    urls: uniqueList(upstreamUrl).min(1, { error: "must list at least one URL" }).optional(),
    targets: z
      .array(targetSchema, { error: "must be a list" })
      .min(1, { error: "must list at least one target" })
      .optional(),
    balancer: balancerSchema.optional(),
    healthCheck: healthCheckSchema.optional(),
    outlierDetection: outlierDetectionSchema.prefault({}),
  })
  .superRefine((upstream, ctx) => {
    if ((upstream.urls === undefined) === (upstream.targets === undefined)) {
      ctx.addIssue({ code: "custom", message: "must have exactly one of urls or targets" });
    }
    const seen = new Set<string>();
    upstream.targets?.forEach((target, index) => {
      if (seen.has(target.url))
        ctx.addIssue({
          code: "custom",
          path: ["targets", index, "url"],
          message: `duplicate "${target.url}"`,
        });
      seen.add(target.url);
    });
    const balancer = upstream.balancer;
    if (balancer !== undefined) {
      if (balancer.hashBy === "header" && balancer.header === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["balancer", "header"],
          message: "is required with hashBy: header",
        });
      if (balancer.hashBy !== "header" && balancer.header !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["balancer", "header"],
          message: "only applies with hashBy: header",
        });
      if (balancer.strategy !== "consistent_hash" && balancer.hashBy === "header")
        ctx.addIssue({
          code: "custom",
          path: ["balancer", "hashBy"],
          message: "only applies to strategy consistent_hash",
        });
    }
  });

// The transform sits outside the union: inside a branch it would abort that branch
// and hide its precise message behind the union's generic one.
export const upstreamSchema = z
  .union([upstreamUrl, upstreamObject], {
    error: "must be a URL or a mapping { urls: [...] } / { targets: [{ url, weight }] }",
  })
  .transform((upstream) => {
    if (typeof upstream === "string") {
      return { urls: [upstream], weights: [1], outlierDetection: { ...DEFAULT_OUTLIER_DETECTION } };
    }
    const targets = upstream.targets ?? (upstream.urls ?? []).map((url) => ({ url, weight: 1 }));
    return {
      urls: targets.map((target) => target.url),
      weights: targets.map((target) => target.weight),
      ...(upstream.balancer === undefined ? {} : { balancer: upstream.balancer }),
      ...(upstream.healthCheck === undefined ? {} : { healthCheck: upstream.healthCheck }),
      outlierDetection: upstream.outlierDetection,
    };
  });

export const circuitBreakerSchema = z.strictObject({
  enabled: bool.default(DEFAULT_CIRCUIT_BREAKER.enabled),
  consecutiveFailures: positiveInt(10_000).default(DEFAULT_CIRCUIT_BREAKER.consecutiveFailures),
  errorRatePercent: positiveInt(100).default(DEFAULT_CIRCUIT_BREAKER.errorRatePercent),
  windowMs: positiveInt(HOUR_MS).default(DEFAULT_CIRCUIT_BREAKER.windowMs),
  minimumRequests: positiveInt(1_000_000).default(DEFAULT_CIRCUIT_BREAKER.minimumRequests),
  openMs: positiveInt(HOUR_MS).default(DEFAULT_CIRCUIT_BREAKER.openMs),
  halfOpenTrials: positiveInt(1000).default(DEFAULT_CIRCUIT_BREAKER.halfOpenTrials),
});

/** connectMs and firstByteMs are optional here: their defaults depend on timeoutMs (apply-defaults.ts). */
export const timeoutsSchema = z.strictObject({
  connectMs: positiveInt(600_000).optional(),
  firstByteMs: positiveInt(600_000).optional(),
  totalMs: positiveInt(HOUR_MS).optional(),
});

// `on: [503]` in YAML is a number; the condition is the same as "503".
const retryCondition = z.preprocess(
  (value) => (typeof value === "number" ? String(value) : value),
  z.enum(RETRY_CONDITIONS),
);

export const retrySchema = z.strictObject({
  attempts: positiveInt(10).default(DEFAULT_RETRY.attempts),
  on: uniqueList(retryCondition).default(() => [...DEFAULT_RETRY.on]),
  methods: uniqueList(z.enum(HTTP_METHODS)).default(() => [...DEFAULT_RETRY.methods]),
  backoff: z
    .strictObject({
      baseMs: positiveInt(60_000).default(DEFAULT_RETRY.backoff.baseMs),
      maxMs: positiveInt(600_000).default(DEFAULT_RETRY.backoff.maxMs),
    })
    .prefault({}),
  maxBufferedBodyBytes: nonNegativeInt(16 * 1024 * 1024).default(DEFAULT_RETRY.maxBufferedBodyBytes),
  budget: z
    .strictObject({
      percent: nonNegativeInt(100).default(DEFAULT_RETRY.budget.percent),
      windowMs: positiveInt(HOUR_MS).default(DEFAULT_RETRY.budget.windowMs),
      minRetriesPerSecond: nonNegativeInt(10_000).default(DEFAULT_RETRY.budget.minRetriesPerSecond),
    })
    .prefault({}),
});

export const concurrencySchema = z.strictObject({
  limit: positiveInt(1_000_000).default(DEFAULT_CONCURRENCY.limit),
  queue: nonNegativeInt(1_000_000).default(DEFAULT_CONCURRENCY.queue),
  queueTimeoutMs: positiveInt(600_000).default(DEFAULT_CONCURRENCY.queueTimeoutMs),
});
