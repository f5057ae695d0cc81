import type { StoredMeta } from "./policy.ts";

/** Stored fields a 304 must not replace: they describe the stored body (RFC 9111 §3.2). */
const KEEP_FROM_STORED = new Set([
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "content-range",
]);

/** Adds the stored validators to a copy of the request headers (RFC 9111 §4.3.1). */
export function withValidators(headers: Headers, meta: StoredMeta): Headers {
  const conditional = new Headers(headers);
  if (meta.etag !== undefined) conditional.set("if-none-match", meta.etag);
  if (meta.lastModified !== undefined) conditional.set("if-modified-since", meta.lastModified);
  return conditional;
}

/**
 * Whether a 304 selects the stored response (RFC 9111 §4.3.4): the same strong
 * validator, else the same weak one, else the same Last-Modified, else neither
 * carries a validator.
 */
export function selects304(meta: StoredMeta, notModified: Headers): boolean {
  const etag = notModified.get("etag");
  if (etag !== null && meta.etag !== undefined) return stripWeak(etag) === stripWeak(meta.etag);
  const lastModified = notModified.get("last-modified");
  if (lastModified !== null && meta.lastModified !== undefined) return lastModified === meta.lastModified;
  return etag === null && lastModified === null;
}

function stripWeak(tag: string): string {
  return tag.trim().replace(/^W\//, "");
}

/** The stored headers updated with the 304's fields (§3.2), as a full response's headers. */
export function mergedHeaders(meta: StoredMeta, notModified: Headers): Headers {
  const merged = new Headers(meta.headers);
  const replaced = new Set<string>();
  for (const [name, value] of notModified) {
    if (KEEP_FROM_STORED.has(name)) continue;
    if (!replaced.has(name)) merged.delete(name);
    replaced.add(name);
    merged.append(name, value);
  }
  return merged;
}
