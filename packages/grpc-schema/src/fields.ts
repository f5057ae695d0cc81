import protobuf from "protobufjs";

const WRAPPERS = [
  "DoubleValue",
  "FloatValue",
  "Int64Value",
  "UInt64Value",
  "Int32Value",
  "UInt32Value",
  "BoolValue",
  "StringValue",
  "BytesValue",
].map((name) => `.google.protobuf.${name}`);

/** Well-known types whose JSON form is a single string, number or bool: they can come from a path or query value. */
export const SCALAR_LIKE_TYPES: ReadonlySet<string> = new Set([
  ...WRAPPERS,
  ".google.protobuf.Timestamp",
  ".google.protobuf.Duration",
  ".google.protobuf.FieldMask",
]);

export type FieldKind = "scalar" | "bool" | "enum" | "scalar_wkt" | "bool_wkt" | "value" | "message";

/** How a path or query string for this field becomes its JSON value (see query.ts in central). */
export function fieldKind(field: protobuf.Field): FieldKind {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return "enum";
  if (resolved instanceof protobuf.Type) {
    if (resolved.fullName === ".google.protobuf.BoolValue") return "bool_wkt";
    if (SCALAR_LIKE_TYPES.has(resolved.fullName)) return "scalar_wkt";
    if (resolved.fullName === ".google.protobuf.Value") return "value";
    return "message";
  }
  return field.type === "bool" ? "bool" : "scalar";
}

/** A field by its proto name or its JSON name (both are accepted wherever a client names a field). */
export function findField(type: protobuf.Type, name: string): protobuf.Field | undefined {
  // Own properties only: a client-chosen name like "constructor" must not reach Object.prototype.
  if (Object.hasOwn(type.fields, name)) return type.fields[name];
  return type.fieldsArray.find((field) => field.jsonName === name);
}

/** The JSON name the field is emitted under (json_name, else lowerCamelCase). */
export function jsonNameOf(field: protobuf.Field): string {
  return field.jsonName ?? field.name;
}

export type FieldChain = { ok: true; fields: protobuf.Field[] } | { ok: false; problem: string };

/**
 * Resolves `a.b.c` through singular message fields. Path variables and query
 * parameters may not go through repeated or map fields.
 */
export function resolveFieldPath(type: protobuf.Type, path: readonly string[]): FieldChain {
  const fields: protobuf.Field[] = [];
  let current: protobuf.Type = type;
  for (let i = 0; i < path.length; i++) {
    const name = path[i] as string;
    const field = findField(current, name);
    const shown = path.slice(0, i + 1).join(".");
    if (field === undefined)
      return { ok: false, problem: `no field "${shown}" in ${current.fullName.slice(1)}` };
    fields.push(field);
    if (i === path.length - 1) break;
    if (field.map || field.repeated)
      return { ok: false, problem: `"${shown}" is a ${field.map ? "map" : "repeated"} field` };
    if (!(field.resolvedType instanceof protobuf.Type) || fieldKind(field) !== "message")
      return { ok: false, problem: `"${shown}" is not a message field` };
    current = field.resolvedType;
  }
  return { ok: true, fields };
}
