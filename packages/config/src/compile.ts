import type {
  CentralConfig,
  CorsConfig,
  EdgeConfig,
  GatewayConfig,
  GeoRuleConfig,
  GrpcRouteConfig,
  IpRulesConfig,
} from "@gateway/types";

/**
 * What the edge Worker needs. Built field by field (never by spreading a route)
 * so upstream URLs and other central-only settings cannot leak into the bundle.
 */
export function compileEdge(config: GatewayConfig): EdgeConfig {
  return {
    identity: copyIdentity(config),
    jwt: {
      issuers: config.jwt.issuers.map((issuer) => ({
        ...issuer,
        audiences: [...issuer.audiences],
        algorithms: [...issuer.algorithms],
      })),
    },
    limits: {
      maxBodyBytes: config.limits.maxBodyBytes,
      maxHeaderBytes: config.limits.maxHeaderBytes,
      maxHeaderCount: config.limits.maxHeaderCount,
      maxUrlLength: config.limits.maxUrlLength,
    },
    rateLimits: { edge: config.rateLimits.edge.map((policy) => ({ ...policy, key: [...policy.key] })) },
    apiKeys: { ...config.apiKeys },
    routes: config.routes.map((route) => ({
      name: route.name,
      path: route.path,
      methods: [...route.methods],
      auth: route.auth,
      issuers: [...route.issuers],
      roles: [...route.roles],
      scopes: [...route.scopes],
      maxBodyBytes: route.maxBodyBytes,
      edgeRateLimit: [...route.edgeRateLimit],
      forwardAuthorization: route.forwardAuthorization ?? false,
      ...(route.apiKeyQueryParam === undefined ? {} : { apiKeyQueryParam: route.apiKeyQueryParam }),
      ...(route.cors ? { cors: copyCors(route.cors) } : {}),
      ...(route.ipRules ? { ipRules: copyIpRules(route.ipRules) } : {}),
      ...(route.geo ? { geo: copyGeo(route.geo) } : {}),
      ...(route.deprecation ? { deprecation: { ...route.deprecation } } : {}),
      ...(route.websocket ? { websocket: { ...route.websocket } } : {}),
      ...(route.cache
        ? { cache: { ...route.cache, keyBy: [...route.cache.keyBy], vary: [...route.cache.vary] } }
        : {}),
    })),
    ...(config.ipRules ? { ipRules: copyIpRules(config.ipRules) } : {}),
    ...(config.geo ? { geo: { ...config.geo } } : {}),
  };
}

function copyIpRules(rules: IpRulesConfig): IpRulesConfig {
  return { allow: [...rules.allow], deny: [...rules.deny] };
}

function copyGeo(geo: GeoRuleConfig): GeoRuleConfig {
  return {
    allowCountries: [...geo.allowCountries],
    denyCountries: [...geo.denyCountries],
    allowContinents: [...geo.allowContinents],
    denyContinents: [...geo.denyContinents],
    status: geo.status,
  };
}

function copyIdentity(config: GatewayConfig): GatewayConfig["identity"] {
  const { identity } = config;
  return { ...identity, hop: { ...identity.hop }, stripHeaders: [...identity.stripHeaders] };
}

function copyCors(cors: CorsConfig): CorsConfig {
  return {
    origins: [...cors.origins],
    methods: [...cors.methods],
    headers: [...cors.headers],
    exposeHeaders: [...cors.exposeHeaders],
    credentials: cors.credentials,
    maxAgeSeconds: cors.maxAgeSeconds,
  };
}

function copyGrpc(grpc: GrpcRouteConfig): GrpcRouteConfig {
  return {
    ...grpc,
    protos: [...grpc.protos],
    includeDirs: [...grpc.includeDirs],
    services: [...grpc.services],
    forwardHeaders: [...grpc.forwardHeaders],
  };
}

/** What a central replica needs: everything but JWT verification, edge limits and edge-only route options. */
export function compileCentral(config: GatewayConfig): CentralConfig {
  return {
    identity: copyIdentity(config),
    limits: { ...config.limits },
    rateLimits: {
      policies: config.rateLimits.policies.map((policy) => ({ ...policy, key: [...policy.key] })),
    },
    // CORS, forwardAuthorization, the HTTP cache, where API keys are read, IP / geo rules and
    // deprecation headers are decided at the edge only.
    routes: config.routes.map(
      ({
        cors: _cors,
        forwardAuthorization: _forward,
        cache: _cache,
        apiKeyQueryParam: _q,
        ipRules: _ip,
        geo: _geo,
        deprecation: _dep,
        ...route
      }) => ({
        ...route,
        methods: [...route.methods],
        issuers: [...route.issuers],
        roles: [...route.roles],
        scopes: [...route.scopes],
        upstream: structuredClone(route.upstream),
        ...(route.circuitBreaker === undefined ? {} : { circuitBreaker: { ...route.circuitBreaker } }),
        ...(route.timeouts === undefined ? {} : { timeouts: { ...route.timeouts } }),
        ...(route.retry === undefined ? {} : { retry: structuredClone(route.retry) }),
        ...(route.concurrency === undefined ? {} : { concurrency: { ...route.concurrency } }),
        ...(route.grpc === undefined ? {} : { grpc: copyGrpc(route.grpc) }),
        ...(route.websocket === undefined ? {} : { websocket: { ...route.websocket } }),
        rateLimit: [...route.rateLimit],
        edgeRateLimit: [...route.edgeRateLimit],
      }),
    ),
  };
}
