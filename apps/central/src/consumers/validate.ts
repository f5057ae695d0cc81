import { GatewayError } from "@gateway/types";

/** Consumer ids end up in identity tokens, Redis keys and rate-limit keys. */
export const CONSUMER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const LABEL = /^[\x20-\x7e]{1,128}$/;

export function badRequest(message: string): GatewayError {
  return new GatewayError("bad_request", message);
}

export function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("expected a JSON object body");
  }
  return body as Record<string, unknown>;
}

export function rejectUnknown(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const field of Object.keys(body)) {
    if (!allowed.includes(field)) throw badRequest(`unknown field "${field.slice(0, 64)}"`);
  }
}

export function optionalString(
  body: Record<string, unknown>,
  field: string,
  pattern: RegExp,
): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !pattern.test(value)) throw badRequest(`${field} is not valid`);
  return value;
}

export function stringList(body: Record<string, unknown>, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.length > 64 ||
    !value.every((v) => typeof v === "string" && LABEL.test(v) && !v.includes(" "))
  ) {
    throw badRequest(`${field} must be a list of at most 64 non-empty strings without spaces`);
  }
  return [...new Set(value as string[])];
}

export function label(body: Record<string, unknown>, field: string): string | undefined {
  return optionalString(body, field, LABEL);
}

/** Whole seconds in [1, max], or undefined when absent. */
export function seconds(body: Record<string, unknown>, field: string, max: number): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    throw badRequest(`${field} must be an integer number of seconds between 0 and ${max}`);
  }
  return value;
}
