import {
  DEFAULT_STRIP_HEADERS_ENTRY,
  HTTP_METHODS,
  type HttpMethod,
  JWT_ALGORITHMS,
  RATE_LIMIT_ALGORITHMS,
} from "@gateway/types";
import { z } from "zod";
import { cacheSchema } from "./cache-schema.ts";
import { corsSchema } from "./cors-schema.ts";
import { grpcSchema } from "./grpc-schema.ts";
import { name, nonEmptyString, nonNegativeInt, positiveInt, routePath, uniqueList } from "./primitives.ts";
import {
  circuitBreakerSchema,
  concurrencySchema,
  retrySchema,
  timeoutsSchema,
  upstreamSchema,
} from "./resilience-schema.ts";
import { deprecationSchema, geoRuleSchema, geoSourceSchema, ipRulesSchema } from "./traffic-schema.ts";
import { jwksUrlProblem } from "./url-problem.ts";
import { websocketSchema } from "./websocket-schema.ts";

/**
 * The shape of gateway.config.yaml: types, ranges and field-level formats.
 * Rules that span fields (references, uniqueness, cross-tier limits) live in
 * ../semantic; defaults that depend on other fields are applied after them.
 */

export const DEFAULT_ROUTE_TIMEOUT_MS = 10_000;

const jwksUrl = z.string({ error: "must be a string" }).superRefine((url, ctx) => {
  const problem = jwksUrlProblem(url);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** identity.stripHeaders[]: "default", a header name, or a prefix written "name-*"; stored lower case. */
const stripHeaderPattern = z
  .string({ error: "must be a string" })
  .regex(/^(?:default|[!#$%&'+.^_`|~0-9A-Za-z-]+\*?)$/, {
    error: 'must be "default", a header name, or a header-name prefix ending in "*" (e.g. x-auth-request-*)',
  })
  .transform((name) => name.toLowerCase());

const identitySchema = z.strictObject({
  ttlSeconds: positiveInt(300).default(30),
  clockSkewSeconds: nonNegativeInt(60).default(5),
  replayProtection: z.boolean({ error: "must be true or false" }).default(true),
  replayFailMode: z.enum(["open", "closed"]).default("open"),
  hop: z.strictObject({ algorithm: z.enum(["HS256", "EdDSA"]).default("HS256") }).prefault({}),
  stripHeaders: uniqueList(stripHeaderPattern).default(() => [DEFAULT_STRIP_HEADERS_ENTRY]),
});

const issuerSchema = z.strictObject({
  name,
  issuer: nonEmptyString,
  jwksUrl,
  audiences: uniqueList(nonEmptyString).min(1, { error: "must list at least one audience" }),
  algorithms: uniqueList(z.enum(JWT_ALGORITHMS)).min(1, {
    error: "must list at least one algorithm (algorithms are pinned)",
  }),
  clockSkewSeconds: nonNegativeInt(300).default(5),
  jwksCacheSeconds: positiveInt(86_400).default(600),
  jwksMinRefetchSeconds: positiveInt(86_400).default(30),
  rolesClaim: nonEmptyString.default("roles"),
  scopesClaim: nonEmptyString.default("scope"),
  tenantClaim: nonEmptyString.optional(),
  maxTokenBytes: positiveInt(65_536).default(8192),
});

const limitsSchema = z.strictObject({
  maxBodyBytes: positiveInt(1024 ** 3).default(10 * 1024 * 1024),
  maxHeaderBytes: positiveInt(1024 * 1024).default(16 * 1024),
  maxHeaderCount: positiveInt(1000).default(100),
  maxUrlLength: positiveInt(65_536).default(8192),
  headersTimeoutMs: positiveInt(600_000).default(10_000),
  requestTimeoutMs: positiveInt(3_600_000).default(30_000),
  keepAliveTimeoutMs: positiveInt(600_000).default(5_000),
});

const policySchema = z.strictObject({
  name,
  algorithm: z.enum(RATE_LIMIT_ALGORITHMS),
  limit: positiveInt(1_000_000_000),
  windowSeconds: positiveInt(31_536_000),
  /** Optional here: the default (= limit) is applied after the semantic checks. */
  burst: positiveInt(1_000_000_000).optional(),
  key: uniqueList(z.enum(["consumer", "route", "ip", "tenant"])).min(1, {
    error: "must list at least one key part",
  }),
  failMode: z.enum(["open", "closed"]),
});

const edgePolicySchema = z.strictObject({
  name,
  kind: z.enum(["binding", "durable_object"]),
  limit: positiveInt(1_000_000_000),
  windowSeconds: positiveInt(31_536_000),
  key: uniqueList(z.enum(["consumer", "ip"])).min(1, { error: "must list at least one key part" }),
});

/** HTTP semantics (RFC 9110 §9.3.2): a resource that answers GET answers HEAD too. */
function withHeadForGet(methods: HttpMethod[]): HttpMethod[] {
  const get = methods.indexOf("GET");
  if (get === -1 || methods.includes("HEAD")) return methods;
  return [...methods.slice(0, get + 1), "HEAD", ...methods.slice(get + 1)];
}

const routeSchema = z
  .strictObject({
    name,
    path: routePath,
    methods: uniqueList(z.enum(HTTP_METHODS))
      .min(1, { error: "must list at least one method" })
      .default(() => [...HTTP_METHODS])
      .transform(withHeadForGet),
    auth: z.enum(["public", "jwt", "api_key", "any"]).default("jwt"),
    issuers: uniqueList(name).default(() => []),
    roles: uniqueList(nonEmptyString).default(() => []),
    scopes: uniqueList(nonEmptyString).default(() => []),
    /** Exactly one of upstream / grpc (checked in ../semantic). */
    upstream: upstreamSchema.optional(),
    grpc: grpcSchema.optional(),
    rewrite: routePath.optional(),
    /** Optional here: shorthand for timeouts.firstByteMs, defaulted after the semantic checks. */
    timeoutMs: positiveInt(600_000).optional(),
    /** Optional here: defaults to limits.maxBodyBytes after the semantic checks. */
    maxBodyBytes: positiveInt(1024 ** 3).optional(),
    rateLimit: uniqueList(name).default(() => []),
    edgeRateLimit: uniqueList(name).default(() => []),
    cors: corsSchema.optional(),
    forwardAuthorization: z.boolean({ error: "must be true or false" }).default(false),
    cache: cacheSchema.optional(),
    serviceToken: z.enum(["per-request", "reuse"]).default("per-request"),
    /** Only with serviceToken: reuse; defaults to identity.ttlSeconds / 2 (rounded down). */
    reuseSeconds: positiveInt(150).optional(),
    apiKeyQueryParam: z
      .string({ error: "must be a string" })
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1-64 letters, digits, "_", "." or "-"' })
      .optional(),
    circuitBreaker: circuitBreakerSchema.prefault({}),
    timeouts: timeoutsSchema.prefault({}),
    retry: retrySchema.prefault({}),
    concurrency: concurrencySchema.prefault({}),
    ipRules: ipRulesSchema.optional(),
    geo: geoRuleSchema.optional(),
    deprecation: deprecationSchema.optional(),
    websocket: websocketSchema.optional(),
  })
  .superRefine((route, ctx) => {
    if (route.upstream === undefined && route.grpc === undefined)
      ctx.addIssue({ code: "custom", path: ["upstream"], message: "is required" });
  });

const apiKeysSchema = z.strictObject({
  header: z
    .string({ error: "must be a string" })
    .regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'must be an HTTP header name (letters, digits, "-")' })
    .transform((header) => header.toLowerCase())
    .default("x-api-key"),
  cacheTtlSeconds: positiveInt(3600).default(30),
  negativeCacheTtlSeconds: positiveInt(300).default(5),
  cacheMaxEntries: positiveInt(1_000_000).default(10_000),
});

export const gatewayConfigSchema = z.strictObject({
  version: z.literal(1, { error: "must be 1" }),
  identity: identitySchema.prefault({}),
  jwt: z
    .strictObject({ issuers: z.array(issuerSchema, { error: "must be a list" }).default(() => []) })
    .prefault({}),
  limits: limitsSchema.prefault({}),
  rateLimits: z
    .strictObject({
      policies: z.array(policySchema, { error: "must be a list" }).default(() => []),
      edge: z.array(edgePolicySchema, { error: "must be a list" }).default(() => []),
    })
    .prefault({}),
  apiKeys: apiKeysSchema.prefault({}),
  routes: z.array(routeSchema, { error: "must be a list" }),
  ipRules: ipRulesSchema.optional(),
  geo: geoSourceSchema.optional(),
});

/** The schema's output: a GatewayConfig except for defaults applied later (see apply-defaults.ts). */
export type ParsedConfig = z.output<typeof gatewayConfigSchema>;
