import { compileEdge, parseConfig } from "@gateway/config";
import { createIdentitySigner } from "@gateway/identity";
import type { EdgeConfig } from "@gateway/types";
import { inject } from "vitest";
import { createApp, type EdgeApp, type EdgeDeps } from "../../src/app.ts";
import { remoteJwks } from "../../src/middleware/authenticate/index.ts";
import type { RecordedRequest } from "../shared/provided-context.ts";
import { PRIMARY_ISSUER, RSA_ISSUER } from "./tokens.ts";

export interface FixtureOptions {
  /** Distinguishes this app's JWKS URLs, so fetch counts are per test. */
  tag?: string;
  /** JWKS set served for the primary issuer: es256 (default) or rotating. */
  primaryKeys?: "es256.json" | "rotating.json" | "retiring.json" | "missing.json";
  jwksMinRefetchSeconds?: number;
  jwksCacheSeconds?: number;
  centralOrigin?: string;
  /** Clock of the JWKS caches (see manual-clock.ts); token expiry still uses the real time. */
  jwksNow?: () => number;
  deps?: Partial<EdgeDeps>;
  /** YAML lines appended to the routes list (each starting with "  - "). */
  extraRoutes?: string;
  /** Top-level YAML keys appended after the routes list (ipRules, geo...). */
  extraTopLevelYaml?: string;
}

export interface Fixture {
  app: EdgeApp;
  config: EdgeConfig;
  tag: string;
  /** How often this fixture's JWKS URL for `set` was fetched. */
  jwksFetches(set?: string): Promise<number>;
}

export function testConfigYaml(options: FixtureOptions & { tag: string }): string {
  const { jwksOrigin } = inject("servers");
  return `
version: 1
jwt:
  issuers:
    - name: primary
      issuer: ${PRIMARY_ISSUER}
      jwksUrl: ${jwksOrigin}/${options.tag}/${options.primaryKeys ?? "es256.json"}
      audiences: [gateway-api]
      algorithms: [ES256]
      clockSkewSeconds: 0
      jwksMinRefetchSeconds: ${options.jwksMinRefetchSeconds ?? 30}
      jwksCacheSeconds: ${options.jwksCacheSeconds ?? 600}
      rolesClaim: roles
      scopesClaim: scope
      tenantClaim: tid
      maxTokenBytes: 2048
    - name: rsa
      issuer: ${RSA_ISSUER}
      jwksUrl: ${jwksOrigin}/${options.tag}/rs256.json
      audiences: [gateway-api]
      algorithms: [RS256]
      maxTokenBytes: 4096
limits:
  maxUrlLength: 512
  maxHeaderBytes: 8192
  maxHeaderCount: 50
routes:
  - { name: public, path: /api/public, auth: public, methods: [GET, POST], upstream: "http://127.0.0.1:9" }
  - { name: items, path: /api/items, methods: [GET, HEAD, POST, PUT], upstream: "http://127.0.0.1:9" }
  - { name: admin, path: /api/admin, roles: [admin], methods: [GET], upstream: "http://127.0.0.1:9" }
  - { name: write, path: /api/write, scopes: ["items:write"], methods: [POST], upstream: "http://127.0.0.1:9" }
  - { name: upload, path: /api/upload, maxBodyBytes: 1024, methods: [POST], upstream: "http://127.0.0.1:9" }
  - { name: keys, path: /api/keys, auth: api_key, apiKeyQueryParam: api_key, methods: [GET], upstream: "http://127.0.0.1:9" }
  - { name: keys-admin, path: /api/keys-admin, auth: api_key, roles: [admin], methods: [GET], upstream: "http://127.0.0.1:9" }
  - { name: either, path: /api/either, auth: any, methods: [GET], upstream: "http://127.0.0.1:9" }
  - { name: rsa-only, path: /api/rsa, issuers: [rsa], methods: [GET], upstream: "http://127.0.0.1:9" }
  - name: web
    path: /api/web
    methods: [GET, POST, PUT]
    upstream: "http://127.0.0.1:9"
    cors:
      origins: ["https://app.example", "http://localhost:5173"]
      methods: [GET, POST]
      headers: [Content-Type, Authorization]
      exposeHeaders: [X-Request-Id]
      credentials: true
      maxAgeSeconds: 300
  - name: open
    path: /api/open
    auth: public
    methods: [GET]
    upstream: "http://127.0.0.1:9"
    cors: { origins: ["*"] }
  - { name: passthrough, path: /api/passthrough, forwardAuthorization: true, methods: [GET], upstream: "http://127.0.0.1:9" }
${options.extraRoutes ?? ""}
${options.extraTopLevelYaml ?? ""}
`;
}

export async function createFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const servers = inject("servers");
  const tag = options.tag ?? crypto.randomUUID();
  const config = compileEdge(parseConfig(testConfigYaml({ ...options, tag }), {}));
  const signer = await createIdentitySigner({
    privateJwk: servers.edgeIdentityPrivateJwk,
    issuer: "edge",
    ttlSeconds: config.identity.ttlSeconds,
  });
  const app = createApp({
    config,
    signer,
    centralUrl: options.centralOrigin ?? servers.centralOrigin,
    ...(options.jwksNow ? { jwks: remoteJwks({ now: options.jwksNow }) } : {}),
    ...options.deps,
  });
  return {
    app,
    config,
    tag,
    async jwksFetches(set = options.primaryKeys ?? "es256.json") {
      const response = await fetch(`${servers.jwksOrigin}/__count?path=/${tag}/${set}`);
      return ((await response.json()) as { count: number }).count;
    },
  };
}

/** What the recording central saw, from the body of a proxied response. */
export async function recorded(response: Response): Promise<RecordedRequest> {
  if (response.headers.get("x-central") !== "yes") {
    throw new Error(`response did not come from central: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as RecordedRequest;
}

export async function errorOf(
  response: Response,
): Promise<{ code: string; message: string; requestId: string }> {
  const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
  return body.error;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
