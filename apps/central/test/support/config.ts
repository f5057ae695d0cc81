/** A gateway.config.yaml for tests; upstream URLs are passed in, everything else is fixed. */
export function testConfigYaml(opts: {
  upstream: string;
  secondUpstream?: string;
  downUpstream: string;
  replayProtection?: boolean;
  extraRoutes?: string;
  /** A top-level `rateLimits:` block. */
  rateLimitsYaml?: string;
}): string {
  const second = opts.secondUpstream ?? opts.upstream;
  return `${testConfigPreambleYaml(opts)}
${opts.rateLimitsYaml ?? ""}
routes:
  - name: users
    path: /api/users
    methods: [GET, POST, PUT]
    auth: jwt
    upstream: ${opts.upstream}
    rewrite: /users
    timeoutMs: 3000
  - name: public
    path: /api/public
    methods: [GET]
    auth: public
    upstream: ${opts.upstream}
    rewrite: /
  - name: admin
    path: /api/admin
    methods: [GET]
    auth: jwt
    roles: [admin]
    scopes: [admin:read]
    upstream: ${opts.upstream}/internal
  - name: small
    path: /api/small
    methods: [POST, PUT]
    auth: any
    upstream: ${opts.upstream}
    maxBodyBytes: 16
  - name: slow
    path: /api/slow
    methods: [GET]
    auth: any
    upstream: ${opts.upstream}
    timeoutMs: 300
  - name: down
    path: /api/down
    methods: [GET]
    auth: any
    upstream: ${opts.downUpstream}
  - name: pool
    path: /api/pool
    methods: [GET]
    auth: any
    upstream:
      urls: [${opts.upstream}/a, ${second}/b]
${opts.extraRoutes ?? ""}`;
}

/**
 * The part every test config shares: version, identity, one `test` JWT issuer
 * (its JWKS URL answers nothing) and limits; routes are appended by the caller.
 */
/** `version`, `identity` and the test issuer: the start of every test config (the harness mints for this issuer). */
export function testIdentityYaml(opts: { replayProtection?: boolean }): string {
  return `
version: 1
identity:
  ttlSeconds: 30
  clockSkewSeconds: 5
  replayProtection: ${opts.replayProtection ?? true}
jwt:
  issuers:
    - name: test
      issuer: https://issuer.test
      jwksUrl: http://127.0.0.1:9/jwks.json
      audiences: [api]
      algorithms: [ES256]`;
}

export function testConfigPreambleYaml(opts: {
  replayProtection?: boolean;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}): string {
  return `${testIdentityYaml(opts)}
limits:
  maxBodyBytes: 1048576
  maxHeaderBytes: 8192
  maxHeaderCount: 50
  maxUrlLength: 2048
  headersTimeoutMs: ${opts.headersTimeoutMs ?? 2000}
  requestTimeoutMs: ${opts.requestTimeoutMs ?? 5000}
  keepAliveTimeoutMs: 5000`;
}
