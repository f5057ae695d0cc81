/**
 * The access log both tiers write: one JSON line per request with these fields, in this order,
 * every field present (`null` when it does not apply), so one query works on either tier's lines.
 */
export const ACCESS_LOG_FIELDS = [
  "ts",
  "level",
  "requestId",
  "traceId",
  "tier",
  "route",
  "method",
  "path",
  "status",
  "latencyMs",
  "upstream",
  "upstreamLatencyMs",
  "consumer",
  "cache",
  "rateLimit",
  "breaker",
] as const;

export type AccessLogField = (typeof ACCESS_LOG_FIELDS)[number];

/** What a rate-limit step decided for a request (the most restrictive of its policies). */
export type RateLimitLogValue = "allowed" | "limited" | "failed_open" | "failed_closed";

export interface AccessLogEntry {
  /** ISO 8601 time the line was written. */
  ts: string;
  level: "info" | "warn" | "error";
  requestId: string;
  /** W3C trace id (32 hex) the request belongs to. */
  traceId: string | null;
  tier: "edge" | "central";
  /** The matched route's name; null when no route matched. */
  route: string | null;
  method: string;
  /** Normalised path, and the query with credential-like values redacted (`redactedTarget`). */
  path: string;
  status: number;
  latencyMs: number;
  /** Where the request went: central's URL at the edge, the service's origin at central. */
  upstream: string | null;
  /** Time to the upstream's response head. */
  upstreamLatencyMs: number | null;
  /** The identity's subject (`anonymous` on public routes). */
  consumer: string | null;
  /** The edge cache's outcome (`hit`, `miss`, `stale`, `revalidated`, `bypass`); null when not cached. */
  cache: string | null;
  rateLimit: RateLimitLogValue | null;
  /** The upstream target's circuit breaker as the request found it (central only). */
  breaker: "closed" | "half_open" | "open" | null;
}

/** Level by status: 5xx error, 4xx warn, else info. */
export function accessLogLevel(status: number): AccessLogEntry["level"] {
  return status >= 500 ? "error" : status >= 400 ? "warn" : "info";
}

/** Replaces a query value whose name looks like a credential. */
export const REDACTED = "[REDACTED]";

/**
 * Query parameter names whose values are never logged (compared lower-case, after
 * percent-decoding, with `-` read as `_`). Deliberately broad: a false positive costs a
 * log value, a false negative leaks a credential.
 */
const SECRET_QUERY_NAMES: ReadonlySet<string> = new Set([
  "api_key",
  "apikey",
  "key",
  "token",
  "access_token",
  "id_token",
  "refresh_token",
  "auth",
  "authorization",
  "jwt",
  "password",
  "passwd",
  "pwd",
  "secret",
  "client_secret",
  "code",
  "signature",
  "sig",
  "x_amz_signature",
  "x_amz_credential",
  "x_amz_security_token",
  "session",
  "sessionid",
  "session_id",
]);

/** Longest path + query written to a log line. */
export const MAX_LOGGED_TARGET = 512;

function normalisedName(raw: string): string {
  let name = raw;
  if (raw.includes("%") || raw.includes("+")) {
    try {
      name = decodeURIComponent(raw.replace(/\+/g, " "));
    } catch {
      // an undecodable name is compared as sent
    }
  }
  name = name.trim().toLowerCase();
  if (name.includes("-")) name = name.replace(/-/g, "_");
  return name.endsWith("[]") ? name.slice(0, -2) : name;
}

/** True for a query parameter name whose value must not be logged. */
export function isSecretQueryName(rawName: string): boolean {
  const name = normalisedName(rawName);
  return SECRET_QUERY_NAMES.has(name) || name.endsWith("_token") || name.endsWith("_secret");
}

/**
 * `path` plus the raw query with the values of credential-like parameters replaced by
 * `[REDACTED]` (the rest as sent, not re-encoded), cut at MAX_LOGGED_TARGET characters.
 * `extraSecretNames` are more names to redact (e.g. a configured API key parameter).
 */
export function redactedTarget(
  path: string,
  query: string | undefined,
  extraSecretNames?: ReadonlySet<string>,
): string {
  let text = path;
  if (query !== undefined && query !== "") {
    const pairs = query.split("&");
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i] as string;
      const eq = pair.indexOf("=");
      const name = eq === -1 ? pair : pair.slice(0, eq);
      if (isSecretQueryName(name) || extraSecretNames?.has(normalisedName(name)) === true) {
        pairs[i] = `${name}=${REDACTED}`;
      }
    }
    text = `${path}?${pairs.join("&")}`;
  }
  return text.length > MAX_LOGGED_TARGET ? `${text.slice(0, MAX_LOGGED_TARGET)}…` : text;
}

/**
 * Edge → central only: why the edge's cache forwarded this request (its RFC 9211 `fwd`
 * value). A `x-gateway-` header, so the edge strips any a client sent and central reads it
 * only on requests whose identity token verified, then strips it before the service.
 */
export const EDGE_CACHE_HEADER = "x-gateway-cache";

/** The values central accepts in EDGE_CACHE_HEADER (anything else counts as "other"). */
export const EDGE_CACHE_FORWARDS = ["uri-miss", "vary-miss", "stale", "request", "bypass", "miss"] as const;
