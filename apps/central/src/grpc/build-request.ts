import { type HttpBinding, resolveFieldPath } from "@gateway/grpc-schema";
import { GatewayError } from "@gateway/types";
import type protobuf from "protobufjs";
import protojson from "protobufjs/ext/protojson.js";
import { fieldError } from "./json-error.ts";
import {
  deepMerge,
  getAt,
  isObject,
  type Json,
  parseJsonExact,
  sameJson,
  setAt,
  stringToJson,
} from "./values.ts";

export interface HttpRequestParts {
  /** Path variables (field path → decoded value) from the template match. */
  variables: ReadonlyMap<string, string>;
  query: URLSearchParams;
  /** The raw body; "" when there is none. */
  body: string;
}

interface Bound {
  fields: protobuf.Field[];
  name: string;
  /** The decoded path value, for messages (the canonical JSON omits a default such as "0"). */
  raw: string;
}

/** ProtoJSON → message → ProtoJSON: validates and gives one spelling (JSON names, int64 as strings, enum names). */
function canonical(type: protobuf.Type, json: Json, where: string): Json {
  try {
    return protojson.toJson(type, protojson.fromJson(type, json)) as Json;
  } catch (error) {
    throw fieldError(type, json, error, where);
  }
}

function pathJson(
  type: protobuf.Type,
  variables: ReadonlyMap<string, string>,
): { json: Json; bound: Bound[] } {
  const json: Json = {};
  const bound: Bound[] = [];
  for (const [name, value] of variables) {
    const chain = resolveFieldPath(type, name.split("."));
    if (!chain.ok) throw new Error(`path variable ${name} was not checked at load: ${chain.problem}`);
    setAt(json, chain.fields, stringToJson(chain.fields.at(-1) as protobuf.Field, value, name));
    bound.push({ fields: chain.fields, name, raw: value });
  }
  return { json: canonical(type, json, "path parameter"), bound };
}

function queryJson(binding: HttpBinding, query: URLSearchParams): Json {
  const type = binding.grpc.requestType;
  const json: Json = {};
  for (const name of new Set(query.keys())) {
    if (binding.body === "*")
      throw new GatewayError(
        "bad_request",
        `query parameter "${name}" is not accepted: the request body carries every field`,
      );
    const chain = resolveFieldPath(type, name.split("."));
    if (!chain.ok)
      throw new GatewayError("bad_request", `unknown query parameter "${name}": ${chain.problem}`);
    const leaf = chain.fields.at(-1) as protobuf.Field;
    if (binding.body !== undefined && chain.fields[0]?.name === binding.body)
      throw new GatewayError("bad_request", `query parameter "${name}" sets a field of the request body`);
    if (leaf.map)
      throw new GatewayError("bad_request", `query parameter "${name}" is a map field: send it in the body`);
    const values = query.getAll(name);
    if (!leaf.repeated && values.length > 1)
      throw new GatewayError(
        "bad_request",
        `query parameter "${name}" is not repeated but is given ${values.length} times`,
      );
    const converted = values.map((value) => stringToJson(leaf, value, name));
    setAt(json, chain.fields, leaf.repeated ? converted : converted[0]);
  }
  return canonical(type, json, "query parameter");
}

function bodyJson(binding: HttpBinding, text: string): Json {
  const type = binding.grpc.requestType;
  if (binding.body === undefined) {
    if (text !== "") throw new GatewayError("bad_request", "this method takes no request body");
    return {};
  }
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = parseJsonExact(text);
  } catch (error) {
    throw new GatewayError("bad_request", `request body is not valid JSON: ${(error as Error).message}`);
  }
  if (binding.body === "*") {
    if (!isObject(parsed)) throw new GatewayError("bad_request", "request body must be a JSON object");
    return canonical(type, parsed, "request body");
  }
  const field = type.fields[binding.body] as protobuf.Field;
  return canonical(type, { [field.name]: parsed }, "request body");
}

/**
 * The request message for a matched binding, from the path variables, the
 * query and the body. A field bound by the path keeps the path's value: the
 * query or body may repeat it only with the same value, anything else is a 400.
 */
export function buildRequestMessage(binding: HttpBinding, parts: HttpRequestParts): Uint8Array {
  const type = binding.grpc.requestType;
  const fromPath = pathJson(type, parts.variables);
  const fromQuery = queryJson(binding, parts.query);
  const fromBody = bodyJson(binding, parts.body);
  for (const { fields, name, raw } of fromPath.bound) {
    const expected = getAt(fromPath.json, fields);
    for (const [source, json] of [
      ["query", fromQuery],
      ["body", fromBody],
    ] as const) {
      const given = getAt(json, fields);
      if (given !== undefined && !sameJson(given, expected))
        throw new GatewayError(
          "bad_request",
          `field "${name}" is bound by the path to ${JSON.stringify(raw)} but the ${source} sets ${JSON.stringify(given)}`,
        );
    }
  }
  const merged = deepMerge(deepMerge(fromBody, fromQuery), fromPath.json);
  let message: protobuf.Message;
  try {
    message = protojson.fromJson(type, merged);
  } catch (error) {
    throw fieldError(type, merged, error, "request");
  }
  return type.encode(message).finish();
}
