import { createHash } from "node:crypto";

/** Longer key parts (encoded) are replaced by a hash, so keys stay bounded whatever clients send. */
export const MAX_KEY_PART_LENGTH = 64;

const MISSING = "-";

/**
 * One part of a Redis key: percent-encoded, so ":" (IPv6), "{" and "}" (hash
 * tags) cannot blur part boundaries; "-" when absent; a hash when long.
 */
export function encodeKeyPart(value: string | undefined): string {
  if (value === undefined || value === "") return MISSING;
  const encoded = encodeURIComponent(value);
  if (encoded.length <= MAX_KEY_PART_LENGTH) return encoded;
  return `#${createHash("sha256").update(value).digest("base64url")}`;
}

/**
 * The hash tag `{<kind>=<encoded value>}` that places a key in the cluster slot
 * of what it is about (a consumer, a client IP, ...). Every key built with the
 * same tag lands in the same slot, so one script may touch them together.
 */
export function slotTag(kind: string, value: string | undefined): string {
  return `{${kind}=${encodeKeyPart(value)}}`;
}

/**
 * What Redis Cluster hashes for `key`: the content of the first `{...}` when it
 * is non-empty, else the whole key (the rule in the Redis Cluster spec). Keys
 * with equal results share a slot.
 */
export function hashTagOf(key: string): string {
  const open = key.indexOf("{");
  if (open === -1) return key;
  const close = key.indexOf("}", open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}
