import type { CorsConfig } from "@gateway/types";

/** Whether a browser at `origin` may read responses of a route with this policy. */
export function originAllowed(cors: CorsConfig, origin: string): boolean {
  return cors.origins.includes("*") || cors.origins.includes(origin);
}

/** Access-Control-Request-Headers as lower-case names (a comma-separated list, possibly empty). */
export function requestedHeaders(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
}

/** Why a preflight is refused, or undefined when every part of it is allowed. */
export function preflightProblem(
  cors: CorsConfig,
  origin: string,
  method: string,
  headers: readonly string[],
): string | undefined {
  if (!originAllowed(cors, origin)) return "origin not allowed";
  const methods: readonly string[] = cors.methods;
  if (!methods.includes(method)) return `method ${safe(method)} not allowed`;
  const notAllowed = headers.find((name) => !cors.headers.includes(name));
  if (notAllowed !== undefined) return `request header ${safe(notAllowed)} not allowed`;
  return undefined;
}

/** Client text echoed in an error message: printable ASCII only, bounded. */
function safe(text: string): string {
  return text.replace(/[^\x21-\x7e]/g, "?").slice(0, 64);
}

/** Adds `value` to a Vary header without repeating it. */
export function appendVary(headers: Headers, ...names: string[]): void {
  const current = headers.get("vary");
  if (current?.trim() === "*") return;
  const present = new Set((current ?? "").split(",").map((name) => name.trim().toLowerCase()));
  const missing = names.filter((name) => !present.has(name.toLowerCase()));
  if (missing.length === 0) return;
  headers.set("vary", current ? [current, ...missing].join(", ") : missing.join(", "));
}
