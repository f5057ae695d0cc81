import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { connectionHeaderNames, HOP_BY_HOP_HEADERS, isClientTrustHeader } from "@gateway/types";

type HeaderBag = IncomingHttpHeaders | OutgoingHttpHeaders;

const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);

/**
 * A `Connection: content-length` (or host) from a client must not strip the
 * headers that frame or address the message; everything else it names goes.
 */
const NEVER_CONNECTION_NAMED: ReadonlySet<string> = new Set(["content-length", "host"]);

/** Lower-case header names listed in a Connection header value (RFC 9110 §7.6.1). */
export function connectionNamedHeaders(connection: HeaderBag[string]): Set<string> {
  const names = connectionHeaderNames(
    connection === undefined || Array.isArray(connection) ? connection : String(connection),
  );
  for (const protectedName of NEVER_CONNECTION_NAMED) names.delete(protectedName);
  return names;
}

/** Deletes hop-by-hop headers, including those the Connection header names. Mutates `headers`. */
export function stripHopByHopHeaders(headers: HeaderBag): void {
  const named = connectionNamedHeaders(headers.connection);
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower)) delete headers[name];
  }
}

/**
 * Deletes every header a client could use to claim identity or origin, and those `alsoStrip`
 * matches (other proxies' identity headers). Names in a Node header bag are lower case. Mutates `headers`.
 */
export function stripClientTrustHeaders(
  headers: HeaderBag,
  alsoStrip: (lowerName: string) => boolean = () => false,
): void {
  for (const name of Object.keys(headers)) {
    if (isClientTrustHeader(name) || alsoStrip(name.toLowerCase())) delete headers[name];
  }
}

/** Visible ASCII and spaces only: anything else would throw in setHeader or smuggle a line break. */
const SAFE_HEADER_VALUE = /^[\x20-\x7e]*$/;

export function isSafeHeaderValue(value: string): boolean {
  return SAFE_HEADER_VALUE.test(value);
}

/** A header's value when it arrived once; undefined when absent or repeated. */
export function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
