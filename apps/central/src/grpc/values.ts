import { type FieldKind, fieldKind, jsonNameOf } from "@gateway/grpc-schema";
import { GatewayError } from "@gateway/types";
import type protobuf from "protobufjs";

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const TRUE = new Set(["true", "1"]);
const FALSE = new Set(["false", "0"]);

/**
 * A path or query string as the JSON value ProtoJSON reads for the field:
 * bools from true/false/1/0, enums by number or name, everything else as the
 * string (ProtoJSON accepts numbers, int64, bytes and the string-valued
 * well-known types as strings). The ProtoJSON parse then checks the value.
 */
export function stringToJson(field: protobuf.Field, value: string, name: string): unknown {
  const kind: FieldKind = fieldKind(field);
  switch (kind) {
    case "bool":
    case "bool_wkt":
      if (TRUE.has(value)) return true;
      if (FALSE.has(value)) return false;
      throw new GatewayError("bad_request", `invalid value for "${name}": expected true or false`);
    case "enum":
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case "message":
      throw new GatewayError(
        "bad_request",
        `"${name}" is a message: set its fields (${name}.<field>=...) or send it in the body`,
      );
    default:
      return value;
  }
}

/** Sets `value` at the JSON-name path of `fields` in `target`, creating objects on the way. */
export function setAt(target: Json, fields: readonly protobuf.Field[], value: unknown): void {
  let cursor = target;
  fields.forEach((field, index) => {
    const key = jsonNameOf(field);
    if (index === fields.length - 1) {
      cursor[key] = value;
      return;
    }
    const next = cursor[key];
    if (isObject(next)) cursor = next;
    else {
      const created: Json = {};
      cursor[key] = created;
      cursor = created;
    }
  });
}

export function getAt(source: Json, fields: readonly protobuf.Field[]): unknown {
  let cursor: unknown = source;
  for (const field of fields) {
    if (!isObject(cursor)) return undefined;
    cursor = cursor[jsonNameOf(field)];
  }
  return cursor;
}

/** Objects merged key by key; anything else from `over` replaces. */
export function deepMerge(base: Json, over: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = merged[key];
    merged[key] = isObject(existing) && isObject(value) ? deepMerge(existing, value) : value;
  }
  return merged;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** JSON.parse keeping integers beyond 2^53 exact (as their digits; ProtoJSON reads int64 from strings). */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, (_key, value, context?: { source?: string }) =>
    typeof value === "number" &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    /^-?\d+$/.test(context.source)
      ? context.source
      : value,
  );
}
