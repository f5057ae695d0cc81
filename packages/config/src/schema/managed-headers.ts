import {
  CLIENT_TRUST_HEADER_PREFIXES,
  CLIENT_TRUST_HEADERS,
  HOP_BY_HOP_HEADERS,
  REQUEST_ID_HEADER,
} from "@gateway/types";

/** Header names transform rules may not touch (lower case in, reason out). See docs/traffic.md. */

const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);
const TRUST: ReadonlySet<string> = new Set(CLIENT_TRUST_HEADERS);

/** Request rules: what the gateway itself sets for the service, or what services may trust. */
export function requestHeaderProblem(header: string): string | undefined {
  if (header === "host") return "Host is set by the gateway from the upstream URL";
  if (HOP_BY_HOP.has(header) || header === "content-length")
    return "is a hop-by-hop or framing header, which the gateway manages";
  if (header === REQUEST_ID_HEADER) return "the gateway sets x-request-id";
  if (TRUST.has(header) || CLIENT_TRUST_HEADER_PREFIXES.some((prefix) => header.startsWith(prefix)))
    return "is an identity or gateway header: only the gateway sets it, from the verified identity";
  return undefined;
}

const RESPONSE_MANAGED: ReadonlySet<string> = new Set([
  "content-length",
  "content-encoding",
  REQUEST_ID_HEADER,
  "proxy-status",
  "ratelimit",
  "ratelimit-policy",
]);

/** Response rules: framing, encoding and the gateway's own headers. */
export function responseHeaderProblem(header: string): string | undefined {
  if (HOP_BY_HOP.has(header) || RESPONSE_MANAGED.has(header) || header.startsWith("x-gateway-"))
    return "is managed by the gateway (framing, encoding, request id, Proxy-Status, rate-limit headers)";
  return undefined;
}
