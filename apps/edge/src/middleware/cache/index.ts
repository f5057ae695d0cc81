import type { Handler, MiddlewareHandler } from "hono";
import type { EdgeHonoEnv } from "../../context.ts";
import type { KeyIndex } from "./key-index.ts";
import { edgeCache, type OriginFetch } from "./middleware.ts";
import { PURGE_PATH, purgeHandler } from "./purge.ts";
import type { EntryStore } from "./store.ts";

export { durableObjectIndex, type KeyIndex } from "./key-index.ts";
export type { OriginFetch } from "./middleware.ts";
export { PURGE_PATH } from "./purge.ts";
export { cacheApiStore, type EntryStore } from "./store.ts";

export interface EdgeCacheOptions {
  /** Bearer secret of the purge endpoint; absent = no purge endpoint. */
  purgeSecret?: string;
}

export interface EdgeCacheParts {
  store: EntryStore;
  index: KeyIndex;
  now: () => number;
  fetchOrigin?: OriginFetch;
}

export interface EdgeCache {
  /** Placed right before the forward handler (after authentication and authorisation). */
  middleware: MiddlewareHandler<EdgeHonoEnv>;
  /** POST handler for PURGE_PATH, when a purge secret is configured. */
  purge?: Handler<EdgeHonoEnv>;
}

/** The edge HTTP cache (RFC 9111 shared cache, RFC 9211 Cache-Status, RFC 9213 targeted fields): docs/caching.md. */
export function createEdgeCache(options: EdgeCacheOptions, deps: EdgeCacheParts): EdgeCache {
  return {
    middleware: edgeCache(deps),
    ...(options.purgeSecret
      ? { purge: purgeHandler({ secret: options.purgeSecret, store: deps.store, index: deps.index }) }
      : {}),
  };
}

export { PURGE_PATH as CACHE_PURGE_PATH };
