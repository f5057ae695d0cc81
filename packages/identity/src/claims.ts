import { isContinentCode, isCountryCode, isForwardedHost, isForwardedProto } from "./forwarded.ts";
import type { IdentityClaims } from "./types.ts";

const AUTH_METHODS: ReadonlySet<unknown> = new Set(["jwt", "api_key", "anonymous"]);

/**
 * Claims of a reusable service token (`serviceToken: reuse`): no request binding
 * (`htm`, `htp`) and no `jti`, so one token serves many requests of one identity
 * to one audience until it expires.
 */
export type ReusableIdentityClaims = Omit<IdentityClaims, "jti" | "htm" | "htp">;

function isStringArray(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== "string") return false;
  return true;
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === "string";
}

/**
 * Returns what is wrong with a decoded payload, or null when it has the IdentityClaims shape
 * (or, when `jti`, `htm` and `htp` are all absent, the ReusableIdentityClaims shape).
 */
export function claimsShapeProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return "payload is not a JSON object";
  const c = value as Record<string, unknown>;
  if (typeof c.sub !== "string") return "sub must be a string";
  if (!isStringArray(c.roles)) return "roles must be an array of strings";
  if (!isStringArray(c.scopes)) return "scopes must be an array of strings";
  if (!AUTH_METHODS.has(c.auth)) return "auth must be jwt, api_key or anonymous";
  if (!isOptionalString(c.tenant)) return "tenant must be a string when present";
  if (typeof c.iss !== "string") return "iss must be a string";
  if (typeof c.aud !== "string") return "aud must be a string";
  if (!Number.isSafeInteger(c.iat)) return "iat must be an integer";
  if (!Number.isSafeInteger(c.exp)) return "exp must be an integer";
  if (!isReusableShape(c)) {
    if (typeof c.jti !== "string" || c.jti.length < 16 || c.jti.length > 128)
      return "jti must be 16-128 characters";
    if (typeof c.htm !== "string") return "htm must be a string";
    if (typeof c.htp !== "string") return "htp must be a string";
  }
  if (!isOptionalString(c.cip)) return "cip must be a string when present";
  if (c.xfp !== undefined && !isForwardedProto(c.xfp)) return "xfp must be http or https when present";
  if (c.xfh !== undefined && !isForwardedHost(c.xfh)) return "xfh must be a host[:port] when present";
  if (c.country !== undefined && !isCountryCode(c.country))
    return "country must be a two-character upper-case country code when present";
  if (c.continent !== undefined && !isContinentCode(c.continent))
    return "continent must be one of AF AN AS EU NA OC SA when present";
  return null;
}

/** A reusable token carries none of jti, htm, htp; a token with only some of them is malformed. */
export function isReusableShape(c: Record<string, unknown>): boolean {
  return c.jti === undefined && c.htm === undefined && c.htp === undefined;
}
