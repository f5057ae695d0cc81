import type { JWTPayload } from "jose";

/**
 * A claim by exact name first (namespaced claims like "https://x.io/roles"
 * contain dots), then as a dotted path into nested objects ("realm_access.roles").
 */
export function claimAt(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let current: unknown = payload;
  for (const part of name.split(".")) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Roles / scopes: an array of strings or a space-separated string (OAuth `scope`). */
export function stringListClaim(payload: JWTPayload, name: string): string[] {
  const value = claimAt(payload, name);
  if (typeof value === "string") return value.split(/\s+/).filter((item) => item !== "");
  if (Array.isArray(value))
    return value.filter((item): item is string => typeof item === "string" && item !== "");
  return [];
}

export function stringClaim(payload: JWTPayload, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const value = claimAt(payload, name);
  return typeof value === "string" && value !== "" ? value : undefined;
}
