import {
  createHmacIdentitySigner,
  createIdentitySigner,
  type IdentitySigner,
  parseHopKeysEnv,
  parsePrivateJwkEnv,
} from "@gateway/identity";
import type { EdgeConfig } from "@gateway/types";
import type { EdgeDeps } from "./app.ts";
import type { CacheIndex } from "./durable/cache-index.ts";
import type { EdgeLimiter } from "./durable/edge-limiter.ts";
import { cacheApiStore, durableObjectIndex } from "./middleware/cache/index.ts";
import { resolveCoarseLimiters } from "./middleware/rate-limit/index.ts";

/** Bindings the Worker reads (wrangler.jsonc vars + secrets). */
export interface EdgeBindings {
  CENTRAL_URL?: string;
  /** HS256 keys shared with central (identity.hop.algorithm HS256, the default): the first signs. */
  EDGE_CENTRAL_KEYS?: string;
  /** The Ed25519 private JWK (identity.hop.algorithm EdDSA). */
  EDGE_IDENTITY_PRIVATE_JWK?: string;
  /** Durable Object namespace for `kind: durable_object` edge policies; RL_<POLICY> bindings serve `kind: binding`. */
  EDGE_LIMITER?: DurableObjectNamespace<EdgeLimiter>;
  /** Key index of the HTTP cache (purge by URL/prefix/tag, invalidation); needed when a route has `cache`. */
  CACHE_INDEX?: DurableObjectNamespace<CacheIndex>;
  /** Bearer secret of POST /_gateway/cache/purge; unset = no purge endpoint. */
  CACHE_PURGE_SECRET?: string;
}

/** Name of the Cache API cache the edge stores responses in. */
export const EDGE_CACHE_NAME = "gateway-edge";

/** workerd binds a `fromEnvironment` variable that is not set as null (self-hosted, docs/scaling.md). */
const text = (value: string | null | undefined): string | undefined => value ?? undefined;

/** Builds the app's deps from the Worker env. Errors name the variable and never include its value. */
export async function depsFromEnv(env: EdgeBindings, config: EdgeConfig): Promise<EdgeDeps> {
  const centralUrl = parseCentralUrl(text(env.CENTRAL_URL));
  const signer = await hopSigner(env, config);
  // A configured limit without its binding is a deployment error: refuse to serve rather than not limit.
  const { limiters, problems } = resolveCoarseLimiters(config.rateLimits.edge, env);
  if (problems.length > 0) throw new Error(problems.join("; "));
  const cached = config.routes.some((route) => route.cache?.enabled);
  if (cached && env.CACHE_INDEX === undefined) {
    throw new Error(
      "a route has cache enabled but the CACHE_INDEX Durable Object binding is missing (wrangler.jsonc)",
    );
  }
  const cache =
    env.CACHE_INDEX === undefined
      ? undefined
      : {
          store: cacheApiStore(() => caches.open(EDGE_CACHE_NAME)),
          index: durableObjectIndex(env.CACHE_INDEX),
          ...(text(env.CACHE_PURGE_SECRET) ? { purgeSecret: env.CACHE_PURGE_SECRET } : {}),
        };
  return { config, signer, centralUrl, coarseLimiters: limiters, ...(cache ? { cache } : {}) };
}

/** The edge → central signer `identity.hop.algorithm` asks for, from the env var that algorithm uses. */
async function hopSigner(env: EdgeBindings, config: EdgeConfig): Promise<IdentitySigner> {
  const rules = { issuer: "edge", ttlSeconds: config.identity.ttlSeconds };
  if (config.identity.hop.algorithm === "HS256") {
    const { keys } = parseHopKeysEnv(text(env.EDGE_CENTRAL_KEYS), "EDGE_CENTRAL_KEYS");
    return createHmacIdentitySigner({ ...rules, secretJwk: keys[0] as (typeof keys)[number] });
  }
  return createIdentitySigner({
    ...rules,
    privateJwk: parsePrivateJwkEnv(text(env.EDGE_IDENTITY_PRIVATE_JWK), "EDGE_IDENTITY_PRIVATE_JWK"),
  });
}

function parseCentralUrl(value: string | undefined): string {
  if (value === undefined || value.trim() === "") {
    throw new Error(
      "CENTRAL_URL is not set: expected the central tier's base URL, e.g. http://127.0.0.1:8080",
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error("CENTRAL_URL is not a valid absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error("CENTRAL_URL must be an http: or https: URL");
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new Error("CENTRAL_URL must not contain credentials, a query or a fragment");
  }
  return url.href.replace(/\/+$/, "");
}
