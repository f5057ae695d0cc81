import { connectionHeaderNames, HOP_BY_HOP_HEADERS, type RouteCacheConfig } from "@gateway/types";
import CachePolicy from "http-cache-semantics";
import {
  type Directives,
  deltaSeconds,
  fieldNames,
  formatCacheControl,
  parseCacheControl,
} from "./cache-control.ts";
import { parseHttpDate } from "./http-date.ts";
import { TARGETED_FIELDS, targetedDirectives } from "./targeted.ts";

/** Status codes this cache understands (RFC 9111 §3: storing requires an understood status). */
const UNDERSTOOD = new Set([200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501]);
/** Heuristically cacheable status codes (RFC 9110 §15.1): the only ones a default TTL applies to. */
const HEURISTIC = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);
/**
 * Never stored with the response: hop-by-hop fields (RFC 9111 §3.1), and the gateway's
 * per-exchange fields, which describe one trip to central rather than the representation
 * (a hit must not repeat another request's id, timings or rate-limit state).
 */
const NOT_STORED = new Set([
  ...HOP_BY_HOP_HEADERS,
  "proxy-authentication-info",
  "x-request-id",
  "server-timing",
  "ratelimit",
  "ratelimit-policy",
  "x-gateway-duration",
]);
const TOO_OLD = 2 ** 31;

/** The request facts the freshness rules need (all header names lower case). */
export interface RequestFacts {
  method: "GET" | "HEAD";
  url: string;
  /** True when the request was authenticated (Authorization or any other credential the route took). */
  authenticated: boolean;
  /** The cache is partitioned per consumer (keyBy: [consumer]): an authenticated response cannot cross users. */
  partitioned: boolean;
}

/** What the cache keeps about one stored response, besides its body. */
export interface StoredMeta {
  v: 1;
  status: number;
  statusText: string;
  /** The headers served with the body (hop-by-hop and Connection-listed headers removed). */
  headers: Array<[string, string]>;
  /** Request and response times (ms), for the age calculation of RFC 9111 §4.2.3. */
  requestTime: number;
  responseTime: number;
  /** max(apparent_age, corrected_age_value) in seconds. */
  correctedInitialAge: number;
  /** Freshness lifetime in seconds. */
  lifetime: number;
  /** May be served stale while one background refresh runs / when central fails, for this long (s). */
  swr: number;
  sie: number;
  /** must-revalidate / proxy-revalidate / s-maxage / no-cache: never served stale without validation. */
  mustRevalidate: boolean;
  /** The response said public, s-maxage or must-revalidate: it may serve requests with credentials (§3.5). */
  sharedWithAuth: boolean;
  etag?: string;
  lastModified?: string;
  /** Request header names the response varies on (lower case; sorted). */
  vary: string[];
  tags: string[];
  url: string;
}

export type Analysis = { storable: true; meta: StoredMeta } | { storable: false; reason: string };

export interface AnalyseInput {
  request: RequestFacts;
  status: number;
  statusText: string;
  headers: Headers;
  requestTime: number;
  responseTime: number;
  config: RouteCacheConfig;
}

/**
 * Decides whether a response from central may be stored and for how long.
 * The headers are first normalised to what RFC 9111 says they mean (targeted
 * fields of RFC 9213 replace Cache-Control and Expires, Pragma is ignored on
 * responses, an invalid Expires is in the past, must-understand, qualified
 * private); http-cache-semantics then decides storability and the freshness
 * lifetime (s-maxage, max-age, Expires - Date, the Last-Modified heuristic).
 */
export function analyseResponse(input: AnalyseInput): Analysis {
  const { request, status, headers, config } = input;
  const targeted = targetedDirectives(headers);
  const directives = targeted ?? parseCacheControl(headers.get("cache-control"));

  // Partial content is passed through, never stored: this cache does not combine ranges.
  if (status === 206) return { storable: false, reason: "partial content" };
  if (status < 200 || status === 304) return { storable: false, reason: `status ${status}` };
  if (directives.has("must-understand")) {
    // §5.2.2.3: must-understand replaces no-store for status codes the cache understands, only those.
    if (!UNDERSTOOD.has(status)) return { storable: false, reason: `must-understand, status ${status}` };
    directives.delete("no-store");
  }
  if (directives.has("no-store")) return { storable: false, reason: "no-store" };
  const privateFields = fieldNames(directives.get("private"));
  if (directives.has("private") && privateFields.length === 0) return { storable: false, reason: "private" };
  const vary = varyFields(headers, config);
  if (vary === "*") return { storable: false, reason: "Vary: *" };
  if (headers.has("set-cookie") && !config.shareSetCookie) return { storable: false, reason: "Set-Cookie" };

  const noCacheFields = fieldNames(directives.get("no-cache"));
  // Qualified no-cache: the listed fields are not stored, the rest may be reused (§5.2.2.4).
  const noCache = directives.has("no-cache") && noCacheFields.length === 0;
  const mustRevalidate =
    directives.has("must-revalidate") ||
    directives.has("proxy-revalidate") ||
    directives.has("s-maxage") ||
    noCache;
  const explicit = explicitLifetime(directives, headers, targeted !== undefined);
  // §3.5: a shared cache stores a response to an authenticated request only when the response allows it,
  // unless the cache is partitioned by the verified consumer (then no other user can reach the entry).
  const sharedWithAuth =
    directives.has("public") || directives.has("s-maxage") || directives.has("must-revalidate");
  if (request.authenticated && !request.partitioned && !sharedWithAuth) {
    return { storable: false, reason: "authenticated request" };
  }

  // §3: any final status may be stored with explicit freshness or public; heuristics only for the
  // heuristically cacheable ones (or with public). The library knows a fixed status list, so other
  // statuses are evaluated as a 200 once that rule has been applied here.
  const heuristicAllowed = HEURISTIC.has(status) || directives.has("public");
  if (explicit === undefined && !heuristicAllowed) {
    return { storable: false, reason: `status ${status} without explicit freshness` };
  }
  const policy = new CachePolicy(
    { method: request.method, url: request.url, headers: {} },
    { status: UNDERSTOOD.has(status) ? status : 200, headers: policyHeaders(directives, headers, explicit) },
    { shared: true },
  );
  if (!policy.storable()) return { storable: false, reason: "not storable" };

  let lifetime = noCache ? 0 : policy.maxAge();
  if (explicit === undefined && config.defaultTtlSeconds > 0 && HEURISTIC.has(status) && !noCache) {
    lifetime = config.defaultTtlSeconds;
  }
  const storedHeaders = headersToStore(headers, [...privateFields, ...noCacheFields]);

  const responseDelay = Math.max(0, (input.responseTime - input.requestTime) / 1000);
  const dateValue = parseHttpDate(headers.get("date"));
  const apparentAge = dateValue === undefined ? 0 : Math.max(0, (input.responseTime - dateValue) / 1000);
  const correctedAgeValue = ageValue(headers.get("age")) + responseDelay;

  return {
    storable: true,
    meta: {
      v: 1,
      status,
      statusText: input.statusText,
      headers: storedHeaders,
      requestTime: input.requestTime,
      responseTime: input.responseTime,
      correctedInitialAge: Math.max(apparentAge, correctedAgeValue),
      lifetime,
      swr: mustRevalidate
        ? 0
        : (deltaSeconds(directives.get("stale-while-revalidate")) ?? config.staleWhileRevalidateSeconds),
      sie: mustRevalidate
        ? 0
        : (deltaSeconds(directives.get("stale-if-error")) ?? config.staleIfErrorSeconds),
      mustRevalidate,
      sharedWithAuth,
      ...(headers.get("etag") ? { etag: headers.get("etag") as string } : {}),
      ...(headers.get("last-modified") ? { lastModified: headers.get("last-modified") as string } : {}),
      vary,
      tags: cacheTags(headers),
      url: request.url,
    },
  };
}

/** current_age of RFC 9111 §4.2.3, in seconds. */
export function currentAge(meta: StoredMeta, now: number): number {
  return meta.correctedInitialAge + Math.max(0, (now - meta.responseTime) / 1000);
}

/**
 * The Age field value (§5.1): the first value must be a non-negative integer; anything else
 * is ignored. Values beyond 2^31 are capped, so a huge Age still means "stale".
 */
export function ageValue(value: string | null): number {
  const first = value?.split(",")[0]?.trim();
  if (first === undefined || !/^[0-9]+$/.test(first)) return 0;
  return Math.min(Number(first), TOO_OLD);
}

/** Freshness stated by the response itself (s-maxage, max-age, Expires), or undefined for "heuristic". */
function explicitLifetime(directives: Directives, headers: Headers, targeted: boolean): number | undefined {
  for (const name of ["s-maxage", "max-age"]) {
    if (directives.has(name)) return deltaSeconds(directives.get(name)) ?? 0;
  }
  if (targeted) return undefined;
  const expires = headers.get("expires");
  if (expires === null) return undefined;
  const at = parseHttpDate(expires);
  if (at === undefined) return 0;
  return Math.max(0, (at - (parseHttpDate(headers.get("date")) ?? Date.now())) / 1000);
}

/** Headers in the form http-cache-semantics reads them, already carrying RFC 9111's meaning. */
function policyHeaders(
  directives: Directives,
  headers: Headers,
  explicit: number | undefined,
): Record<string, string> {
  const normalised = new Map(directives);
  // The library reads private/no-cache with field names as unqualified; the fields are dropped instead (§5.2.2.4/7).
  if (typeof normalised.get("private") === "string") normalised.delete("private");
  if (typeof normalised.get("no-cache") === "string") normalised.delete("no-cache");
  // The library makes proxy-revalidate "never fresh"; it means must-revalidate in a shared cache (§5.2.2.8).
  normalised.delete("proxy-revalidate");
  for (const name of ["max-age", "s-maxage"]) {
    if (normalised.has(name)) normalised.set(name, String(deltaSeconds(normalised.get(name)) ?? 0));
  }
  const result: Record<string, string> = {};
  const cc = formatCacheControl(normalised).replace(/="(\d+)"/g, "=$1");
  if (cc !== "") result["cache-control"] = cc;
  // Explicit freshness is computed here (strict HTTP-date); the library gets an equivalent Expires.
  if (explicit !== undefined && !normalised.has("max-age") && !normalised.has("s-maxage")) {
    result.expires = new Date(0).toUTCString();
    result.date = new Date(0).toUTCString();
    if (explicit > 0) result.expires = new Date(explicit * 1000).toUTCString();
  }
  const lastModified = parseHttpDate(headers.get("last-modified"));
  const date = parseHttpDate(headers.get("date"));
  if (explicit === undefined && lastModified !== undefined) {
    result["last-modified"] = new Date(lastModified).toUTCString();
    if (date !== undefined) result.date = new Date(date).toUTCString();
  }
  return result;
}

function headersToStore(headers: Headers, droppedFields: string[]): Array<[string, string]> {
  const dropped = new Set([
    ...NOT_STORED,
    ...connectionHeaderNames(headers.get("connection")),
    ...droppedFields,
  ]);
  const kept: Array<[string, string]> = [];
  for (const [name, value] of headers) {
    if (!dropped.has(name)) kept.push([name, value]);
  }
  return kept;
}

function varyFields(headers: Headers, config: RouteCacheConfig): string[] | "*" {
  const names = new Set(config.vary);
  for (const token of (headers.get("vary") ?? "").split(",")) {
    const name = token.trim().toLowerCase();
    if (name === "*") return "*";
    if (name !== "") names.add(name);
  }
  return [...names].sort();
}

/** Purge tags from Cache-Tag (comma-separated) and Surrogate-Key (space-separated). */
function cacheTags(headers: Headers): string[] {
  const tags = new Set<string>();
  for (const tag of (headers.get("cache-tag") ?? "").split(",")) if (tag.trim() !== "") tags.add(tag.trim());
  for (const tag of (headers.get("surrogate-key") ?? "").split(/\s+/)) if (tag !== "") tags.add(tag);
  return [...tags].slice(0, 64);
}

export { TARGETED_FIELDS };
