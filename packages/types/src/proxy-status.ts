/**
 * Proxy-Status (RFC 9209): every response a gateway tier generates itself
 * carries one entry naming the tier and why, e.g.
 *   Proxy-Status: central; error=destination_not_found; details="not_found"
 * so a client can tell the gateway's 404/413/502 from the service's. Responses
 * relayed from a service get no entry. The error types are the registered ones
 * (IANA "HTTP Proxy Error Types"); `details` is the gateway's error code.
 */
import type { ErrorCode } from "./errors.ts";

export const PROXY_STATUS_HEADER = "proxy-status";

/** The tiers, as they name themselves in Proxy-Status. */
export type GatewayTier = "edge" | "central";

/** The registered proxy error types this gateway uses. */
export type ProxyErrorType =
  | "dns_error"
  | "destination_not_found"
  | "destination_unavailable"
  | "destination_ip_unroutable"
  | "connection_refused"
  | "connection_terminated"
  | "connection_timeout"
  | "http_request_error"
  | "http_request_denied"
  | "http_response_incomplete"
  | "http_response_timeout"
  | "http_protocol_error"
  | "proxy_internal_error"
  | "proxy_internal_response";

/**
 * The type for each error code when the site that raised it knows no better
 * (upstream failures name the exact cause, e.g. connection_refused).
 * - Malformed or oversized requests: http_request_error ("a 4xx on the origin's behalf").
 * - Refusals by policy (credentials, roles, rate limits): http_request_denied.
 * - No route for the path: destination_not_found (the gateway has no next hop for it).
 * - The gateway's own failure or a dependency of its own (Redis, key sets): proxy_internal_error.
 */
export const DEFAULT_PROXY_ERROR: Readonly<Record<ErrorCode, ProxyErrorType>> = {
  bad_request: "http_request_error",
  invalid_path: "http_request_error",
  unauthorized: "http_request_denied",
  invalid_token: "http_request_denied",
  invalid_identity: "http_request_denied",
  invalid_api_key: "http_request_denied",
  api_key_revoked: "http_request_denied",
  api_key_expired: "http_request_denied",
  forbidden: "http_request_denied",
  ip_denied: "http_request_denied",
  geo_denied: "http_request_denied",
  unavailable_for_legal_reasons: "http_request_denied",
  not_found: "destination_not_found",
  method_not_allowed: "http_request_error",
  request_timeout: "http_request_error",
  payload_too_large: "http_request_error",
  uri_too_long: "http_request_error",
  unsupported_media_type: "http_request_error",
  rate_limited: "http_request_denied",
  headers_too_large: "http_request_error",
  internal_error: "proxy_internal_error",
  not_implemented: "http_request_error",
  // An admin API write that conflicts with the store's state (e.g. a consumer id that exists).
  conflict: "http_request_error",
  upstream_error: "destination_unavailable",
  service_unavailable: "proxy_internal_error",
  upstream_timeout: "http_response_timeout",
  // Every target's breaker is open, or none is healthy: the next hop is known to be down.
  upstream_unavailable: "destination_unavailable",
  // The route's bulkhead is full: central sheds the request itself.
  overloaded: "proxy_internal_response",
  // only-if-cached without a stored response: answered locally without trying the next hop.
  not_cached: "proxy_internal_response",
};

/** One Proxy-Status list member: `<tier>; error=<type>; details="<code>"`. */
export function proxyStatusEntry(tier: GatewayTier, code: ErrorCode, type?: ProxyErrorType): string {
  return `${tier}; error=${type ?? DEFAULT_PROXY_ERROR[code]}; details="${code}"`;
}
