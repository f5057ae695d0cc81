import type { ServerResponse } from "node:http";
import { findField, jsonNameOf } from "@gateway/grpc-schema";
import type { ServiceError } from "@grpc/grpc-js";
import protobuf from "protobufjs";
import protojson from "protobufjs/ext/protojson.js";
import { httpStatusOf, statusBody } from "./status.ts";

const INT64 = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);

/** proto3 JSON of a field's default value, for response_body naming an unset field. */
function defaultJson(field: protobuf.Field): unknown {
  if (field.map) return {};
  if (field.repeated) return [];
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return resolved.valuesById[0] ?? 0;
  if (resolved instanceof protobuf.Type) return null;
  if (field.type === "bool") return false;
  if (field.type === "string" || field.type === "bytes") return "";
  return INT64.has(field.type) ? "0" : 0;
}

/** A response message as proto3 JSON, or only its `response_body` field. */
export function responseJson(
  type: protobuf.Type,
  bytes: Uint8Array,
  responseBody: string | undefined,
): unknown {
  const json = protojson.toJson(type, type.decode(bytes)) as Record<string, unknown>;
  if (responseBody === undefined) return json;
  const field = findField(type, responseBody) as protobuf.Field;
  return json[jsonNameOf(field)] ?? defaultJson(field);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.statusCode = status;
  for (const [name, headerValue] of Object.entries(headers)) res.setHeader(name, headerValue);
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}

/** A failed call: the google.rpc.Code's HTTP status and google.rpc.Status as JSON. */
export function sendStatus(res: ServerResponse, root: protobuf.Root, error: Partial<ServiceError>): void {
  const body = statusBody(root, error);
  sendJson(res, httpStatusOf(body.code), body, {
    "grpc-status": String(body.code),
    "cache-control": "no-store",
  });
}
