import type { VerifyResult } from "@gateway/identity";

/** Values the Node globalSetup hands to the tests running in workerd (vitest provide/inject). */
export interface TestServers {
  /** Issuer keys server: GET /<tag>/<set>.json serves a JWKS; GET /__count?path=... counts fetches. */
  jwksOrigin: string;
  /** Recording central: echoes each request (and its verified identity token) back as JSON. */
  centralOrigin: string;
  /** Programmable origin playing central for the cache tests (test/node/programmable-origin.ts). */
  programmableOrigin: string;
  /** A port nothing listens on. */
  deadOrigin: string;
  /** Private JWKs of the token-signing keys (see test/node/issuer-keys.ts for what each set publishes). */
  issuerKeys: Record<IssuerKeyName, JsonWebKey & { kid: string; alg: string }>;
  /** The edge's identity signing key; central verifies with its public half. */
  edgeIdentityPrivateJwk: JsonWebKey & { kid: string };
  /** EDGE_CENTRAL_KEYS for the default HS256 hop; the recording central verifies with node:crypto. */
  edgeCentralKeys: { keys: Array<JsonWebKey & { kid: string }> };
}

export type IssuerKeyName = "es256" | "rs256" | "late" | "ghost";

declare module "vitest" {
  export interface ProvidedContext {
    servers: TestServers;
  }
}

/** What the recording central saw, as it echoes it back. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  bodyBytes: number;
  identity: VerifyResult;
}
