import { parseHttpDate } from "./http-date.ts";

/** Request headers that make a GET conditional; the cache answers them itself (RFC 9111 §4.3.2). */
export const CLIENT_VALIDATORS = ["if-none-match", "if-modified-since"] as const;

/** Preconditions the cache does not evaluate: such requests pass through untouched. */
export const PASS_THROUGH_CONDITIONS = ["if-match", "if-unmodified-since", "if-range"] as const;

/**
 * Whether a client's conditional GET/HEAD is answered with 304 by a response
 * with these headers (RFC 9110 §13.1.2-3, §13.2.2): If-None-Match with the weak
 * comparison, else If-Modified-Since against Last-Modified.
 */
export function notModified(request: Headers, response: Headers): boolean {
  const ifNoneMatch = request.get("if-none-match");
  if (ifNoneMatch !== null) {
    const etag = response.get("etag");
    if (etag === null) return false;
    if (ifNoneMatch.trim() === "*") return true;
    const opaque = weak(etag);
    return ifNoneMatch.split(",").some((tag) => weak(tag.trim()) === opaque);
  }
  const since = parseHttpDate(request.get("if-modified-since"));
  const lastModified = parseHttpDate(response.get("last-modified"));
  if (since === undefined || lastModified === undefined) return false;
  return lastModified <= since;
}

function weak(tag: string): string {
  return tag.startsWith("W/") ? tag.slice(2) : tag;
}

/** Headers a 304 carries (RFC 9110 §15.4.5), taken from the stored response. */
const NOT_MODIFIED_HEADERS = [
  "cache-control",
  "content-location",
  "date",
  "etag",
  "expires",
  "vary",
  "last-modified",
  "age",
  "cache-status",
  "x-cache",
];

export function notModifiedResponse(from: Headers): Response {
  const headers = new Headers();
  for (const name of NOT_MODIFIED_HEADERS) {
    const value = from.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Response(null, { status: 304, headers });
}
