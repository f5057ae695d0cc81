import { findField } from "@gateway/grpc-schema";
import { GatewayError } from "@gateway/types";
import protobuf from "protobufjs";
import protojson from "protobufjs/ext/protojson.js";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function fails(type: protobuf.Type, json: Json): boolean {
  try {
    protojson.fromJson(type, json);
    return false;
  } catch {
    return true;
  }
}

/** A message type whose JSON is its fields (not a well-known type with its own JSON form). */
function plainMessage(field: protobuf.Field): protobuf.Type | undefined {
  const type = field.resolvedType;
  return type instanceof protobuf.Type && !type.fullName.startsWith(".google.protobuf.") ? type : undefined;
}

/**
 * Where in `json` the ProtoJSON parse fails, as a field path (`items[1].price`),
 * found by re-parsing one member at a time. Only runs once a parse has failed.
 */
export function locateJsonError(type: protobuf.Type, json: unknown, path = ""): string {
  if (!isObject(json)) return path;
  for (const [key, value] of Object.entries(json)) {
    const field = findField(type, key);
    const here = join(path, key);
    if (field === undefined) return here;
    if (!fails(type, { [key]: value })) continue;
    const inner = plainMessage(field);
    if (field.map && isObject(value)) {
      for (const [mapKey, mapValue] of Object.entries(value)) {
        if (!fails(type, { [key]: { [mapKey]: mapValue } })) continue;
        const at = `${here}[${JSON.stringify(mapKey)}]`;
        return inner !== undefined ? locateJsonError(inner, mapValue, at) : at;
      }
      return here;
    }
    if (field.repeated && Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (!fails(type, { [key]: [value[i]] })) continue;
        return inner !== undefined ? locateJsonError(inner, value[i], `${here}[${i}]`) : `${here}[${i}]`;
      }
      return here;
    }
    return inner !== undefined && isObject(value) ? locateJsonError(inner, value, here) : here;
  }
  return path;
}

/** protobufjs messages start with the type's or field's full name (".pkg.Type.field: "); the path replaces it. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\.[A-Za-z0-9_.]+: /, "");
}

/** 400 naming the field: `invalid request field "items[1].price": invalid integer: "x"`. */
export function fieldError(type: protobuf.Type, json: unknown, error: unknown, where: string): GatewayError {
  const path = locateJsonError(type, json);
  const field = path === "" ? "" : ` field "${path}"`;
  return new GatewayError("bad_request", `invalid ${where}${field}: ${reasonOf(error)}`);
}
