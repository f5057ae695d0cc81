/**
 * Config types: what `gateway.config.yaml` holds once parsed and defaulted
 * (`GatewayConfig`), and the per-tier compiled forms (`EdgeConfig`,
 * `CentralConfig`). The schema that produces them lives in @gateway/config.
 * Durations are plain numbers with their unit in the name.
 */

import type {
  BalancerConfig,
  CircuitBreakerConfig,
  ConcurrencyConfig,
  HealthCheckConfig,
  OutlierDetectionConfig,
  RetryConfig,
  TimeoutsConfig,
} from "./resilience.ts";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** public: no credentials; jwt / api_key: that method only; any: either. */
export type RouteAuth = "public" | "jwt" | "api_key" | "any";

export const JWT_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "EdDSA",
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export interface JwtIssuerConfig {
  name: string;
  /** Exact `iss` value expected in tokens. */
  issuer: string;
  jwksUrl: string;
  /** Tokens must carry at least one of these in `aud`. */
  audiences: string[];
  /** Pinned: a token whose header `alg` is not listed is rejected. */
  algorithms: JwtAlgorithm[];
  clockSkewSeconds: number;
  /** Keys are kept this long before a background refetch. */
  jwksCacheSeconds: number;
  /** An unknown `kid` triggers at most one refetch per this interval. */
  jwksMinRefetchSeconds: number;
  /** Claim holding roles (array of strings or a space-separated string). */
  rolesClaim: string;
  /** Claim holding scopes (OAuth `scope` string or array). */
  scopesClaim: string;
  tenantClaim?: string;
  /** Tokens longer than this are rejected before parsing. */
  maxTokenBytes: number;
}

/** Central's precise algorithms: the schema's enum, the Redis script's and the memory store's tables. */
export const RATE_LIMIT_ALGORITHMS = ["sliding_window", "token_bucket", "gcra", "fixed_window"] as const;
export type RateLimitAlgorithm = (typeof RATE_LIMIT_ALGORITHMS)[number];
export type RateLimitKeyPart = "consumer" | "route" | "ip" | "tenant";
export type FailMode = "open" | "closed";

/** A precise limit enforced by central against Redis. */
export interface RateLimitPolicy {
  name: string;
  algorithm: RateLimitAlgorithm;
  /** Requests allowed per window (sustained rate = limit / windowSeconds). */
  limit: number;
  windowSeconds: number;
  /** Token bucket / GCRA: extra requests allowed at once above the steady rate. Defaults to `limit`. */
  burst: number;
  key: RateLimitKeyPart[];
  failMode: FailMode;
}

/** A coarse limit enforced by the edge before any subrequest. */
export interface EdgeRateLimitPolicy {
  name: string;
  /** binding: Workers Rate Limiting binding (approximate, per colo); durable_object: precise per key. */
  kind: "binding" | "durable_object";
  limit: number;
  windowSeconds: number;
  key: Array<"consumer" | "ip">;
}

/**
 * Cross-origin access for browsers, answered by the edge (preflights never reach central).
 * Defaults applied: methods = the route's methods, headers / exposeHeaders = [],
 * credentials = false, maxAgeSeconds = 600.
 */
export interface CorsConfig {
  /** Exact serialised origins ("https://app.example.com", no path, no trailing slash) or the single entry "*". */
  origins: string[];
  methods: HttpMethod[];
  /** Request headers a browser may send (Access-Control-Allow-Headers), lower case. */
  headers: string[];
  /** Response headers browser scripts may read (Access-Control-Expose-Headers), lower case. */
  exposeHeaders: string[];
  /** Access-Control-Allow-Credentials; not allowed together with "*". */
  credentials: boolean;
  maxAgeSeconds: number;
}

/**
 * CIDR lists the edge checks before authentication (docs/traffic.md). Deny wins
 * over allow; a non-empty allow list admits only its networks. Entries are
 * IPv4/IPv6 networks ("10.0.0.0/8", "2001:db8::/32") or single addresses.
 */
export interface IpRulesConfig {
  allow: string[];
  deny: string[];
}

export const CONTINENT_CODES = ["AF", "AN", "AS", "EU", "NA", "OC", "SA"] as const;
export type ContinentCode = (typeof CONTINENT_CODES)[number];

/** Edge only: refuse a route by the client's country / continent (ISO 3166-1 alpha-2, upper case). */
export interface GeoRuleConfig {
  allowCountries: string[];
  denyCountries: string[];
  allowContinents: ContinentCode[];
  denyContinents: ContinentCode[];
  /** 451 Unavailable For Legal Reasons (the default) or 403. */
  status: 403 | 451;
}

/** Where the edge reads the client's location: request.cf unless a trusted proxy's header is named. */
export interface GeoSourceConfig {
  /** Lower-case header set by a trusted proxy in front of the edge; replaces request.cf.country. */
  countryHeader?: string;
  continentHeader?: string;
}

/** Edge only: Deprecation (RFC 9745) and Sunset (RFC 8594) headers on every response of the route. */
/** routes[].websocket (docs/traffic.md): timeouts and limits of relayed WebSocket connections. */
export interface WebSocketRouteConfig {
  enabled: boolean;
  /** No frame in either direction for this long: central closes both sides with 1001. */
  idleTimeoutSeconds: number;
  /** A connection is closed with 1001 this long after it opened. */
  maxLifetimeSeconds: number;
  /** Largest message either side may send; a bigger one closes the sender with 1009. */
  maxMessageBytes: number;
  /** Open connections per route and central process; the next handshake gets 503 overloaded. */
  maxConnections: number;
}

export interface DeprecationConfig {
  /** Unix seconds: `Deprecation: @<since>`. */
  since: number;
  /** Unix seconds, sent as an HTTP-date: `Sunset: <date>`. */
  sunset?: number;
  /** Sent as `Link: <link>; rel="deprecation"`. */
  link?: string;
}

/**
 * Edge HTTP cache for a route (RFC 9111 shared cache; docs/caching.md). Defaults applied:
 * enabled true, defaultTtlSeconds 0, keyBy [], vary [], staleWhileRevalidateSeconds 0,
 * staleIfErrorSeconds 0, maxBodyBytes 5 MiB, stripTargetedHeaders true, shareSetCookie false.
 */
export interface RouteCacheConfig {
  enabled: boolean;
  /**
   * Freshness given to a storable response that states none (no max-age, s-maxage or Expires),
   * in place of the Last-Modified heuristic; only for heuristically cacheable status codes. 0 = none.
   */
  defaultTtlSeconds: number;
  /** Extra cache-key parts: consumer = the verified identity's subject, tenant = its tenant. */
  keyBy: Array<"consumer" | "tenant">;
  /** Request headers (lower case) always part of the cache key, on top of the response's Vary. */
  vary: string[];
  /** Serve stale this long while one background refresh runs, when the response does not say. */
  staleWhileRevalidateSeconds: number;
  /** Serve stale this long when central fails (5xx, unreachable), when the response does not say. */
  staleIfErrorSeconds: number;
  /** Larger responses are passed through, not stored. */
  maxBodyBytes: number;
  /** Remove CDN-Cache-Control and Cloudflare-CDN-Cache-Control before the response leaves the edge. */
  stripTargetedHeaders: boolean;
  /** Store responses carrying Set-Cookie without Cache-Control: public (default false: never shared). */
  shareSetCookie: boolean;
}

export interface RouteConfig {
  name: string;
  /** Path prefix, normalised: starts with "/", no trailing slash (except "/" itself). Matches on segment boundaries. */
  path: string;
  methods: HttpMethod[];
  auth: RouteAuth;
  /** Issuer names accepted on this route; empty = all configured issuers. */
  issuers: string[];
  /** Every listed role is required. */
  roles: string[];
  /** Every listed scope is required. */
  scopes: string[];
  /** HTTP upstreams; empty on a gRPC route (see `grpc`). */
  upstream: UpstreamConfig;
  /** Central only: the route is transcoded REST → gRPC (see docs/grpc.md) instead of proxied. */
  grpc?: GrpcRouteConfig;
  /** If set, the matched prefix is replaced by this path before proxying. */
  rewrite?: string;
  timeoutMs: number;
  maxBodyBytes: number;
  /** Names of central precise policies (RateLimitPolicy) applied to this route. */
  rateLimit: string[];
  /** Names of edge coarse policies applied to this route. */
  edgeRateLimit: string[];
  /** Edge only: CORS for browser clients; absent = no CORS headers at all. */
  cors?: CorsConfig;
  /**
   * Edge only: keep the client's Authorization header on the request to central
   * (default false: the edge verified it, the identity token replaces it).
   */
  forwardAuthorization?: boolean;
  /**
   * Central → service token: `per-request` (default) signs a fresh token bound to method, path
   * and a jti for every request; `reuse` signs one unbound token per (identity, route) and
   * reuses it for `reuseSeconds`, so the service verifies each token once (its verifier must set
   * `acceptReusableTokens`).
   */
  serviceToken?: ServiceTokenMode;
  /** With `serviceToken: reuse`: how long one token is reused; at most identity.ttlSeconds / 2. */
  reuseSeconds?: number;
  /**
   * Edge only: an API key may also come in this query parameter (auth api_key / any).
   * The edge removes the parameter before forwarding; absent = header only.
   */
  apiKeyQueryParam?: string;
  /** Edge only: checked after the global ipRules. */
  ipRules?: IpRulesConfig;
  /** Edge only. */
  geo?: GeoRuleConfig;
  /** Edge only. */
  deprecation?: DeprecationConfig;
  /** Edge only: the HTTP cache in front of central; absent = not cached. */
  cache?: RouteCacheConfig;
  /** `Upgrade: websocket` handshakes are relayed to the upstream; absent = refused (501). */
  websocket?: WebSocketRouteConfig;
  /** Central only (filled by the schema; see ./resilience.ts for the defaults). */
  circuitBreaker?: CircuitBreakerConfig;
  /** Central only: connect / first byte / total; `firstByteMs` equals `timeoutMs`. */
  timeouts?: TimeoutsConfig;
  /** Central only: retries of failed attempts, limited by a retry budget. */
  retry?: RetryConfig;
  /** Central only: per-route bulkhead. */
  concurrency?: ConcurrencyConfig;
}

/** The targets of a route and how central spreads requests over them. */
export interface UpstreamConfig {
  urls: string[];
  /** Relative weight of each URL, same order (default 1 each). */
  weights?: number[];
  balancer?: BalancerConfig;
  /** Active health checks; absent = none. */
  healthCheck?: HealthCheckConfig;
  /** Passive: targets that keep failing are ejected for a while. */
  outlierDetection?: OutlierDetectionConfig;
}

/** How a server-streaming method's messages are written to the HTTP response. */
export type GrpcStreamFormat = "ndjson" | "json_array";

/** A gRPC upstream whose methods become REST routes through their `google.api.http` rules. */
export interface GrpcRouteConfig {
  /** `host:port` of the gRPC server (HTTP/2; plaintext unless `tls`). */
  address: string;
  tls: boolean;
  /** .proto files to load; loaded from a file, relative paths are resolved against the config file's folder. */
  protos: string[];
  /** Where imports are looked up, in order (like protoc -I); same resolution as `protos`. */
  includeDirs: string[];
  /** Fully qualified services to expose (`pkg.Service`); empty = every service in `protos`. */
  services: string[];
  /** Server streaming: one JSON object per line (application/x-ndjson), or one JSON array. */
  streamFormat: GrpcStreamFormat;
  /** Extra client request headers (lower-case `x-…`) passed to the service as gRPC metadata. */
  forwardHeaders: string[];
}

/** How the edge reads and caches API keys (the keys themselves live in central's store). */
export interface ApiKeysConfig {
  /** Request header carrying the key (lower case); `Authorization: Bearer gw_...` is accepted too. */
  header: string;
  /** A valid key's verdict is cached in the isolate this long: a revocation takes effect within it. */
  cacheTtlSeconds: number;
  /** Unknown, revoked or expired keys are cached this long, so guessing does not reach central. */
  negativeCacheTtlSeconds: number;
  /** Verdicts kept per isolate (least recently used evicted first). */
  cacheMaxEntries: number;
}

export type ServiceTokenMode = "per-request" | "reuse";

/** The edge → central identity token's algorithm: HS256 (shared secrets, fast) or EdDSA (edge-only signing key). */
export type HopAlgorithm = "HS256" | "EdDSA";

export interface IdentityConfig {
  /** Lifetime of identity tokens signed by either tier. */
  ttlSeconds: number;
  clockSkewSeconds: number;
  /** Central remembers each edge token's `jti` until it expires and rejects a second use. */
  replayProtection: boolean;
  /**
   * When the replay store (Redis) cannot answer: open = accept the token (it is
   * still signed, bound to method + path and expires within ttlSeconds), logged
   * once per outage; closed = 503. Open keeps rate-limit `failMode: open` meaningful.
   */
  replayFailMode: FailMode;
  /** Edge → central token. HS256 keys: EDGE_CENTRAL_KEYS on both tiers; EdDSA: EDGE_IDENTITY_PRIVATE_JWK / EDGE_IDENTITY_PUBLIC_JWKS. */
  hop: { algorithm: HopAlgorithm };
  /**
   * Request headers both tiers remove besides their own trust headers: identity headers other
   * proxies set (lower case; a trailing "*" is a prefix). Compiled: "default" already expanded.
   */
  stripHeaders: string[];
}

export interface LimitsConfig {
  maxBodyBytes: number;
  maxHeaderBytes: number;
  maxHeaderCount: number;
  maxUrlLength: number;
  /** Slow clients: the whole header block must arrive within this. */
  headersTimeoutMs: number;
  /** Slow clients: the whole request (headers + body) must arrive within this. */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export interface GatewayConfig {
  version: 1;
  identity: IdentityConfig;
  jwt: { issuers: JwtIssuerConfig[] };
  limits: LimitsConfig;
  rateLimits: { policies: RateLimitPolicy[]; edge: EdgeRateLimitPolicy[] };
  apiKeys: ApiKeysConfig;
  routes: RouteConfig[];
  /** Edge only: applies to every route, before the route's own ipRules. */
  ipRules?: IpRulesConfig;
  /** Edge only. */
  geo?: GeoSourceConfig;
}

/** What the edge Worker is built with (bundled at deploy time). No upstream URLs. */
export interface EdgeConfig {
  identity: IdentityConfig;
  jwt: { issuers: JwtIssuerConfig[] };
  limits: Pick<LimitsConfig, "maxBodyBytes" | "maxHeaderBytes" | "maxHeaderCount" | "maxUrlLength">;
  rateLimits: { edge: EdgeRateLimitPolicy[] };
  apiKeys: ApiKeysConfig;
  routes: EdgeRouteConfig[];
  ipRules?: IpRulesConfig;
  geo?: GeoSourceConfig;
  /**
   * Set by `./gw config compile --tier edge` (and so in every deployed bundle): the hash of what
   * this edge and central must agree on; central shows its own at /readyz?verbose `config.contract`.
   */
  contractHash?: string;
}

/** A route as the edge sees it: no upstream, rewrite or central policies; edge options filled in. */
export type EdgeRouteConfig = Omit<
  RouteConfig,
  | "upstream"
  | "rewrite"
  | "rateLimit"
  | "timeoutMs"
  | "forwardAuthorization"
  | "serviceToken"
  | "reuseSeconds"
  | "apiKeyQueryParam"
  | "circuitBreaker"
  | "timeouts"
  | "retry"
  | "concurrency"
> & { forwardAuthorization: boolean; apiKeyQueryParam?: string };

/** What a central replica runs with. */
export interface CentralConfig {
  identity: IdentityConfig;
  limits: LimitsConfig;
  rateLimits: { policies: RateLimitPolicy[] };
  routes: RouteConfig[];
}
