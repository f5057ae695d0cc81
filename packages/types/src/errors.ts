import type { ProxyErrorType } from "./proxy-status.ts";

/**
 * The one error shape both tiers answer with:
 *   {"error":{"code":"<ErrorCode>","message":"...","requestId":"..."}}
 * Codes are stable API: clients may switch on them. Add, never rename.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_path: 400,
  unauthorized: 401,
  invalid_token: 401,
  invalid_identity: 401,
  invalid_api_key: 401,
  api_key_revoked: 401,
  api_key_expired: 401,
  forbidden: 403,
  ip_denied: 403,
  geo_denied: 403,
  unavailable_for_legal_reasons: 451,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  request_timeout: 408,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  not_implemented: 501,
  upstream_error: 502,
  service_unavailable: 503,
  /** Central will not call the upstream: its circuit breaker is open, or no target is healthy. */
  upstream_unavailable: 503,
  /** Central shed the request: the route's concurrency limit and queue are full. */
  overloaded: 503,
  upstream_timeout: 504,
  /** Cache-Control: only-if-cached and the edge cache holds no usable response (RFC 9111 §5.2.1.7). */
  not_cached: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string };
}

export function errorBody(code: ErrorCode, message: string, requestId: string): ErrorBody {
  return { error: { code, message, requestId } };
}

export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_STATUS, value);
}

/**
 * Thrown (or passed to `next`) anywhere in either tier; the tier's error
 * handler renders it as the one JSON error shape. `headers` are added to the
 * response (e.g. Retry-After, WWW-Authenticate).
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The Proxy-Status error type when the code's default is too vague (e.g. connection_refused). */
  readonly proxyError: ProxyErrorType | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    headers: Record<string, string> = {},
    options: { proxyError?: ProxyErrorType } = {},
  ) {
    super(message);
    this.name = "GatewayError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.headers = headers;
    this.proxyError = options.proxyError;
  }
}
