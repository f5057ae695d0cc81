import { encodeBase64Url } from "./base64url.ts";
import { sha256 } from "./sha256.ts";

const encoder = new TextEncoder();

/** `htp` claim: base64url(SHA-256(UTF-8 pathAndQuery)). */
export function bindingHashSync(pathAndQuery: string): string {
  return encodeBase64Url(sha256(encoder.encode(pathAndQuery)));
}

/** `htp` claim: base64url(SHA-256(UTF-8 pathAndQuery)). */
export async function bindingHash(pathAndQuery: string): Promise<string> {
  return bindingHashSync(pathAndQuery);
}

/**
 * The request target (path plus "?query" if any, no fragment) of a URL, as an
 * HTTP client sends it. Keeps a bare trailing "?", which `URL.search` drops.
 */
export function pathAndQueryOf(url: string | URL): string {
  const parsed = typeof url === "string" ? new URL(url) : url;
  if (parsed.search !== "") return parsed.pathname + parsed.search;
  const href = parsed.href;
  const hashAt = href.indexOf("#");
  const beforeHash = hashAt === -1 ? href : href.slice(0, hashAt);
  return beforeHash.endsWith("?") ? `${parsed.pathname}?` : parsed.pathname;
}
