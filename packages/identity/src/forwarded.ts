import type { ForwardedProto } from "./types.ts";

/** Longest `xfh` claim accepted: a DNS name (253) plus room for a short port is far below it. */
export const MAX_FORWARDED_HOST_LENGTH = 255;

/**
 * host or host:port: a DNS-like name (underscores allowed, as browsers allow them)
 * or a bracketed IPv6 literal, and an optional port. No userinfo, path, space or
 * control character can get through, so the value is safe as a header.
 */
const FORWARDED_HOST = /^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

export function isForwardedProto(value: unknown): value is ForwardedProto {
  return value === "http" || value === "https";
}

export function isForwardedHost(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_FORWARDED_HOST_LENGTH && FORWARDED_HOST.test(value);
}

/** `country`: an ISO 3166-1 alpha-2 code as Cloudflare reports it (upper case; `XX` unknown, `T1` Tor). */
const COUNTRY = /^[A-Z][A-Z0-9]$/;
/** `continent`: one of Cloudflare's continent codes. */
const CONTINENTS: ReadonlySet<unknown> = new Set(["AF", "AN", "AS", "EU", "NA", "OC", "SA"]);

export function isCountryCode(value: unknown): value is string {
  return typeof value === "string" && COUNTRY.test(value);
}

export function isContinentCode(value: unknown): value is string {
  return CONTINENTS.has(value);
}
