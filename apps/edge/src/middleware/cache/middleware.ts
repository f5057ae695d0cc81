import { GatewayError, type RouteCacheConfig } from "@gateway/types";
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";
import { deltaSeconds, parseCacheControl } from "./cache-control.ts";
import { annotate, type Forward, type Outcome, xCache } from "./cache-status.ts";
import {
  CLIENT_VALIDATORS,
  notModified,
  notModifiedResponse,
  PASS_THROUGH_CONDITIONS,
} from "./conditional.ts";
import { invalidateAfterUnsafe } from "./invalidate.ts";
import type { KeyIndex } from "./key-index.ts";
import { entryKey, type PrimaryKey, primaryKey } from "./keys.ts";
import {
  analyseResponse,
  currentAge,
  type RequestFacts,
  type StoredMeta,
  TARGETED_FIELDS,
} from "./policy.ts";
import { singleRange } from "./range.ts";
import { mergedHeaders, selects304, withValidators } from "./revalidate.ts";
import type { EntryStore, StoredEntry } from "./store.ts";

/** Sends the request to central outside the client's own request (background refresh). */
export type OriginFetch = (c: Context<EdgeHonoEnv>, clientHeaders: Headers) => Promise<Response>;

export interface EdgeCacheDeps {
  store: EntryStore;
  index: KeyIndex;
  now: () => number;
  /** Without it, stale-while-revalidate falls back to revalidating before answering. */
  fetchOrigin?: OriginFetch;
}

/** Responses to these are stale-if-error candidates (RFC 5861 §4). */
const ERROR_STATUSES = new Set([500, 502, 503, 504]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);
/** Kept after an entry goes stale when it has validators: a 304 is cheaper than a full response. */
const VALIDATOR_GRACE_SECONDS = 3600;

interface Lookup {
  primary: PrimaryKey;
  key?: string;
  entry?: StoredEntry;
  fwd: Forward;
}

/**
 * The edge HTTP cache (docs/caching.md): around the forward handler, per route
 * with `cache` configured. Lookup before `next()`, store after it.
 */
export function edgeCache(deps: EdgeCacheDeps): MiddlewareHandler<EdgeHonoEnv> {
  /** Entry keys with a background refresh running in this isolate: one at a time per key. */
  const refreshing = new Set<string>();
  /** Writes still running in this isolate, by variant-index key: a lookup waits for them, so a
   * request right behind a miss sees the stored entry instead of racing the background write. */
  const pending = new Map<string, Promise<unknown>>();

  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const config = c.get("route").cache;
    if (!config?.enabled) return next();
    const method = c.req.raw.method;
    if (method !== "GET" && method !== "HEAD") {
      await next();
      if (!SAFE_METHODS.has(method) && c.res.status < 400 && c.error === undefined) {
        await invalidateAfterUnsafe(c, config, deps);
      }
      return;
    }

    const headers = c.get("clientHeaders");
    const requestCc = parseCacheControl(headers.get("cache-control"));
    const passThrough = PASS_THROUGH_CONDITIONS.find((name) => headers.has(name));
    if (passThrough !== undefined || requestCc.has("no-store")) {
      c.set("cacheForward", passThrough !== undefined ? "bypass" : "request");
      await next();
      finish(c, config, {
        kind: "forwarded",
        fwd: passThrough !== undefined ? "bypass" : "request",
        fwdStatus: c.res.status,
        stored: false,
        detail: passThrough ?? "no-store",
      });
      return;
    }

    const identity = c.get("identity");
    const facts: RequestFacts = {
      method: method as "GET" | "HEAD",
      url: c.req.raw.url,
      authenticated: identity.auth !== "anonymous" || headers.has("authorization"),
      partitioned: config.keyBy.includes("consumer"),
    };
    const lookup = await find(c, config, headers, facts);
    const now = deps.now();
    const range = headers.get("range");
    if (range !== null) {
      // Ranges are answered only from a fresh stored 200; otherwise central answers, and nothing is stored.
      const fresh = isHit(lookup) && lookup.entry.meta.lifetime > currentAge(lookup.entry.meta, now);
      if (fresh && lookup.entry.meta.status === 200 && !requestCc.has("no-cache")) {
        const answered = serveRange(c, config, lookup.entry, currentAge(lookup.entry.meta, now), range);
        if (answered) return;
      }
      c.set("cacheForward", "bypass");
      await next();
      finish(c, config, {
        kind: "forwarded",
        fwd: "bypass",
        fwdStatus: c.res.status,
        stored: false,
        detail: "range",
      });
      return;
    }
    const onlyIfCached = requestCc.has("only-if-cached");

    if (isHit(lookup)) {
      const { meta } = lookup.entry;
      const age = currentAge(meta, now);
      const ttl = meta.lifetime - age;
      const requestNoCache =
        requestCc.has("no-cache") ||
        (!headers.has("cache-control") && /no-cache/i.test(headers.get("pragma") ?? ""));
      const maxAge = deltaSeconds(requestCc.get("max-age"));
      const minFresh = deltaSeconds(requestCc.get("min-fresh"));
      const mustValidate =
        requestNoCache ||
        (maxAge !== undefined && age > maxAge) ||
        (minFresh !== undefined && ttl < minFresh);
      if (!mustValidate && ttl > 0) return serve(c, config, lookup.entry, age, { kind: "hit", ttl });
      if (!mustValidate && !meta.mustRevalidate) {
        const maxStale = requestCc.get("max-stale");
        const staleBy = -ttl;
        if (maxStale === true || (maxStale !== undefined && staleBy <= (deltaSeconds(maxStale) ?? -1))) {
          return serve(c, config, lookup.entry, age, { kind: "stale", ttl });
        }
        if (meta.swr > 0 && staleBy <= meta.swr && deps.fetchOrigin) {
          backgroundRefresh(c, config, facts, lookup, refreshing, deps);
          return serve(c, config, lookup.entry, age, { kind: "stale", ttl });
        }
      }
      if (onlyIfCached) throw new GatewayError("not_cached", "only-if-cached: no fresh stored response");
      return revalidate(c, next, config, facts, lookup, mustValidate && ttl > 0 ? "request" : "stale");
    }
    if (onlyIfCached) throw new GatewayError("not_cached", "only-if-cached: the response is not stored");
    return fetchAndStore(c, next, config, facts, lookup);
  });

  async function find(
    c: Context<EdgeHonoEnv>,
    config: RouteCacheConfig,
    headers: Headers,
    facts: RequestFacts,
  ): Promise<Lookup> {
    const primary = await primaryKey(c.get("route").name, config, c.get("identity"), c.get("target"));
    await pending.get(primary.indexKey);
    const index = await deps.store.getIndex(primary.indexKey);
    if (!index) return { primary, fwd: "uri-miss" };
    const key = await entryKey(primary, index.vary, headers);
    const entry = await deps.store.getEntry(key);
    if (!entry) return { primary, key, fwd: "vary-miss" };
    // §3.5: a response stored for an anonymous request is not served to one carrying credentials
    // unless it said public, s-maxage or must-revalidate.
    if (facts.authenticated && !facts.partitioned && !entry.meta.sharedWithAuth) {
      return { primary, key, fwd: "request" };
    }
    return { primary, key, entry, fwd: "uri-miss" };
  }

  async function revalidate(
    c: Context<EdgeHonoEnv>,
    next: () => Promise<void>,
    config: RouteCacheConfig,
    facts: RequestFacts,
    lookup: Lookup & { entry: StoredEntry; key: string },
    fwd: Forward,
  ): Promise<void> {
    const { meta } = lookup.entry;
    const original = c.get("clientHeaders");
    c.set("clientHeaders", withValidators(withoutClientValidators(original), meta));
    c.set("cacheForward", fwd);
    const requestTime = deps.now();
    await next();
    const responseTime = deps.now();
    c.set("clientHeaders", original);
    const response = c.res;

    if (response.status === 304 && selects304(meta, response.headers)) {
      await response.body?.cancel();
      const updated = analyseResponse({
        request: facts,
        status: meta.status,
        statusText: meta.statusText,
        headers: mergedHeaders(meta, response.headers),
        requestTime,
        responseTime,
        config,
      });
      if (!updated.storable) {
        const merged = mergedHeaders(meta, response.headers);
        const fresh = new Response(lookup.entry.body, { status: meta.status, headers: merged });
        c.res = undefined;
        c.res = fresh;
        finish(c, config, { kind: "forwarded", fwd, fwdStatus: 304, stored: false }, original);
        return;
      }
      const entry = { meta: withAuth(updated.meta, facts), body: lookup.entry.body };
      // Awaited (the body is already in memory): the next request must see the updated entry.
      await guarded(c, write(lookup, entry, original));
      return serve(c, config, entry, currentAge(entry.meta, responseTime), {
        kind: "revalidated",
        ttl: entry.meta.lifetime - currentAge(entry.meta, responseTime),
      });
    }
    const age = currentAge(meta, responseTime);
    const failed = c.error !== undefined || ERROR_STATUSES.has(response.status);
    if (failed && meta.sie > 0 && age - meta.lifetime <= meta.sie) {
      await response.body?.cancel();
      return serve(c, config, lookup.entry, age, {
        kind: "stale",
        ttl: meta.lifetime - age,
        fwdStatus: response.status,
      });
    }
    return storeResponse(c, config, facts, lookup, { requestTime, responseTime }, fwd, original);
  }

  async function fetchAndStore(
    c: Context<EdgeHonoEnv>,
    next: () => Promise<void>,
    config: RouteCacheConfig,
    facts: RequestFacts,
    lookup: Lookup,
  ): Promise<void> {
    const original = c.get("clientHeaders");
    c.set("clientHeaders", withoutClientValidators(original));
    c.set("cacheForward", lookup.fwd);
    const requestTime = deps.now();
    await next();
    const responseTime = deps.now();
    c.set("clientHeaders", original);
    return storeResponse(c, config, facts, lookup, { requestTime, responseTime }, lookup.fwd, original);
  }

  async function storeResponse(
    c: Context<EdgeHonoEnv>,
    config: RouteCacheConfig,
    facts: RequestFacts,
    lookup: Lookup,
    times: { requestTime: number; responseTime: number },
    fwd: Forward,
    clientHeaders: Headers,
  ): Promise<void> {
    const response = c.res;
    const fromCentral = c.get("proxied") === true && c.error === undefined;
    const analysis =
      fromCentral && facts.method === "GET"
        ? analyseResponse({
            request: facts,
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
            ...times,
            config,
          })
        : ({
            storable: false,
            reason: facts.method === "HEAD" ? "HEAD is not stored" : "not from central",
          } as const);
    const declaredLength = Number(response.headers.get("content-length") ?? "0");
    let stored = false;
    if (analysis.storable && response.body !== null && declaredLength <= config.maxBodyBytes) {
      const [toClient, toStore] = response.body.tee();
      const meta = withAuth(analysis.meta, facts);
      background(
        c,
        write(
          lookup,
          readLimited(toStore, config.maxBodyBytes).then((body) =>
            body === undefined ? undefined : { meta, body },
          ),
          clientHeaders,
        ),
      );
      c.res = undefined;
      c.res = new Response(toClient, response);
      stored = true;
    } else if (analysis.storable && response.body === null) {
      background(
        c,
        write(lookup, { meta: withAuth(analysis.meta, facts), body: new ArrayBuffer(0) }, clientHeaders),
      );
      stored = true;
    }
    const ttl = analysis.storable ? analysis.meta.lifetime - analysis.meta.correctedInitialAge : undefined;
    finish(
      c,
      config,
      {
        kind: "forwarded",
        fwd,
        fwdStatus: response.status,
        stored,
        ...(ttl !== undefined && stored ? { ttl } : {}),
        ...(!analysis.storable ? { detail: analysis.reason } : {}),
      },
      clientHeaders,
    );
  }

  function write(lookup: Lookup, entry: StoredEntry | Promise<StoredEntry | undefined>, headers: Headers) {
    const key = lookup.primary.indexKey;
    const before = pending.get(key);
    const work = (async () => {
      await before?.catch(() => {});
      const resolved = await entry;
      if (resolved) await writeNow(lookup, resolved, headers);
    })();
    const settled: Promise<void> = work
      .catch(() => {})
      .finally(() => {
        if (pending.get(key) === settled) pending.delete(key);
      });
    pending.set(key, settled);
    return work;
  }

  async function writeNow(lookup: Lookup, entry: StoredEntry, headers: Headers): Promise<void> {
    const { meta } = entry;
    const key = await entryKey(lookup.primary, meta.vary, headers);
    const keepSeconds =
      meta.lifetime +
      Math.max(meta.swr, meta.sie, meta.etag || meta.lastModified ? VALIDATOR_GRACE_SECONDS : 0);
    await deps.store.putEntry(key, entry, keepSeconds);
    await deps.store.putIndex(lookup.primary.indexKey, { vary: meta.vary }, keepSeconds);
    await deps.index.record({
      entryKey: key,
      indexKey: lookup.primary.indexKey,
      url: lookup.primary.url,
      tags: meta.tags,
      expiresAt: deps.now() + keepSeconds * 1000,
    });
  }

  function backgroundRefresh(
    c: Context<EdgeHonoEnv>,
    config: RouteCacheConfig,
    facts: RequestFacts,
    lookup: Lookup & { entry: StoredEntry; key: string },
    refreshing: Set<string>,
    deps: EdgeCacheDeps,
  ): void {
    if (refreshing.has(lookup.key) || !deps.fetchOrigin) return;
    refreshing.add(lookup.key);
    const clientHeaders = c.get("clientHeaders");
    const refresh = async () => {
      const { meta } = lookup.entry;
      const requestTime = deps.now();
      const response = await deps.fetchOrigin?.(
        c,
        withValidators(withoutClientValidators(clientHeaders), meta),
      );
      const responseTime = deps.now();
      if (!response) return;
      if (response.status === 304 && selects304(meta, response.headers)) {
        const updated = analyseResponse({
          request: facts,
          status: meta.status,
          statusText: meta.statusText,
          headers: mergedHeaders(meta, response.headers),
          requestTime,
          responseTime,
          config,
        });
        if (updated.storable)
          await write(
            lookup,
            { meta: withAuth(updated.meta, facts), body: lookup.entry.body },
            clientHeaders,
          );
        return;
      }
      const analysis = analyseResponse({
        request: facts,
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        requestTime,
        responseTime,
        config,
      });
      if (!analysis.storable || !response.body) {
        await response.body?.cancel();
        return;
      }
      const body = await readLimited(response.body, config.maxBodyBytes);
      if (body) await write(lookup, { meta: withAuth(analysis.meta, facts), body }, clientHeaders);
    };
    background(
      c,
      refresh()
        .catch((error: unknown) => {
          console.error(
            JSON.stringify({
              level: "warn",
              msg: "cache background refresh failed",
              requestId: c.get("requestId"),
              error: error instanceof Error ? error.message : String(error),
            }),
          );
        })
        .finally(() => refreshing.delete(lookup.key)),
    );
  }
}

/** Answers from a stored entry: its headers, Age (§5.1), no body for HEAD, 304 for a matching conditional. */
function serve(
  c: Context<EdgeHonoEnv>,
  config: RouteCacheConfig,
  entry: StoredEntry,
  age: number,
  outcome: Outcome,
): void {
  const headers = new Headers(entry.meta.headers);
  headers.set("age", String(Math.min(Math.floor(age), 2 ** 31)));
  const head = c.req.raw.method === "HEAD";
  c.set("proxied", true);
  c.res = undefined;
  c.res = new Response(head ? null : entry.body, {
    status: entry.meta.status,
    statusText: entry.meta.statusText,
    headers,
  });
  finish(c, config, outcome);
}

/** 206 (or 416) for a single byte range of a stored full response; false when the range is not simple. */
function serveRange(
  c: Context<EdgeHonoEnv>,
  config: RouteCacheConfig,
  entry: StoredEntry,
  age: number,
  header: string,
): boolean {
  const size = entry.body.byteLength;
  const range = singleRange(header, size);
  if (range === undefined) return false;
  const headers = new Headers(entry.meta.headers);
  headers.set("age", String(Math.floor(age)));
  c.set("proxied", true);
  c.res = undefined;
  if (range === "unsatisfiable") {
    headers.set("content-range", `bytes */${size}`);
    headers.delete("content-length");
    c.res = new Response(null, { status: 416, headers });
  } else {
    headers.set("content-range", `bytes ${range.start}-${range.end}/${size}`);
    headers.set("content-length", String(range.end - range.start + 1));
    const body = c.req.raw.method === "HEAD" ? null : entry.body.slice(range.start, range.end + 1);
    c.res = new Response(body, { status: 206, headers });
  }
  finish(c, config, { kind: "hit", ttl: entry.meta.lifetime - age });
  return true;
}

/** Cache-Status, X-Cache, targeted fields, and the client's own conditional answered here. */
function finish(
  c: Context<EdgeHonoEnv>,
  config: RouteCacheConfig,
  outcome: Outcome,
  clientHeaders?: Headers,
): void {
  let response = c.res;
  if (config.stripTargetedHeaders) for (const name of TARGETED_FIELDS) response.headers.delete(name);
  annotate(response.headers, outcome);
  c.set("cacheStatus", xCache(outcome).toLowerCase());
  const asked = clientHeaders ?? c.get("clientHeaders");
  if (
    response.status === 200 &&
    CLIENT_VALIDATORS.some((name) => asked.has(name)) &&
    notModified(asked, response.headers)
  ) {
    void response.body?.cancel();
    response = notModifiedResponse(response.headers);
    c.res = undefined;
    c.res = response;
  }
}

function isHit(lookup: Lookup): lookup is Lookup & { entry: StoredEntry; key: string } {
  return lookup.entry !== undefined && lookup.key !== undefined;
}

function withoutClientValidators(headers: Headers): Headers {
  const copy = new Headers(headers);
  for (const name of CLIENT_VALIDATORS) copy.delete(name);
  return copy;
}

/** Marks whether an entry may be served to requests with credentials (§3.5). */
function withAuth(meta: StoredMeta, facts: RequestFacts): StoredMeta {
  return { ...meta, sharedWithAuth: meta.sharedWithAuth || facts.partitioned };
}

function background(c: Context<EdgeHonoEnv>, work: Promise<unknown>): void {
  const safe = guarded(c, work);
  try {
    c.executionCtx.waitUntil(safe);
  } catch {
    // No execution context (plain app.fetch in a unit test): the promise still runs.
  }
}

/** Cache writes never fail the request: a failed write is logged and the response is served. */
function guarded(c: Context<EdgeHonoEnv>, work: Promise<unknown>): Promise<unknown> {
  return work.catch((error: unknown) => {
    console.error(
      JSON.stringify({
        level: "warn",
        msg: "cache write failed",
        requestId: c.get("requestId"),
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  });
}

async function readLimited(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<ArrayBuffer | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body.buffer;
}
