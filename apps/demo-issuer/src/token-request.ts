/** What POST /token (and the mint CLI) accept. */
export interface TokenRequest {
  sub: string;
  roles?: string[];
  scopes?: string[];
  ttlSeconds?: number;
  tenant?: string;
  /** Overrides the issuer's default audience, e.g. to mint a wrong-audience token for a negative test. */
  audience?: string | string[];
}

export const DEFAULT_TTL_SECONDS = 3600;
export const MAX_TTL_SECONDS = 86_400;
const MAX_STRING_LENGTH = 256;
const MAX_LIST_LENGTH = 64;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Strict: unknown fields are rejected, so a typo (e.g. "scope") is not silently ignored. */
export function parseTokenRequest(body: unknown): Parsed<TokenRequest> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, message: "body must be a JSON object" };
  }
  const input = body as Record<string, unknown>;
  const known = new Set(["sub", "roles", "scopes", "ttlSeconds", "tenant", "audience"]);
  const unknown = Object.keys(input).find((key) => !known.has(key));
  if (unknown !== undefined) return { ok: false, message: `unknown field "${unknown}"` };

  if (!isShortString(input.sub)) return { ok: false, message: '"sub" must be a non-empty string' };
  const request: TokenRequest = { sub: input.sub };

  for (const field of ["roles", "scopes"] as const) {
    const list = input[field];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > MAX_LIST_LENGTH || !list.every(isShortString)) {
      return { ok: false, message: `"${field}" must be an array of non-empty strings` };
    }
    if (list.some((item) => /\s/.test(item))) {
      return { ok: false, message: `"${field}" entries must not contain whitespace` };
    }
    request[field] = list;
  }

  if (input.ttlSeconds !== undefined) {
    const ttl = input.ttlSeconds;
    if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) {
      return { ok: false, message: `"ttlSeconds" must be an integer from 1 to ${MAX_TTL_SECONDS}` };
    }
    request.ttlSeconds = ttl;
  }

  if (input.tenant !== undefined) {
    if (!isShortString(input.tenant)) return { ok: false, message: '"tenant" must be a non-empty string' };
    request.tenant = input.tenant;
  }

  if (input.audience !== undefined) {
    const audience = input.audience;
    const valid =
      isShortString(audience) ||
      (Array.isArray(audience) && audience.length > 0 && audience.every(isShortString));
    if (!valid) return { ok: false, message: '"audience" must be a non-empty string or array of them' };
    request.audience = audience;
  }
  return { ok: true, value: request };
}

function isShortString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_STRING_LENGTH;
}
