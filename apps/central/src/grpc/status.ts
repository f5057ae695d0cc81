import type { Metadata } from "@grpc/grpc-js";
import type protobuf from "protobufjs";
import protojson from "protobufjs/ext/protojson.js";

/** google.rpc.Code → HTTP status, as google/rpc/code.proto documents it (CANCELLED: 499 Client Closed Request). */
export const HTTP_STATUS_BY_GRPC_CODE: readonly number[] = [
  200, // 0 OK
  499, // 1 CANCELLED
  500, // 2 UNKNOWN
  400, // 3 INVALID_ARGUMENT
  504, // 4 DEADLINE_EXCEEDED
  404, // 5 NOT_FOUND
  409, // 6 ALREADY_EXISTS
  403, // 7 PERMISSION_DENIED
  429, // 8 RESOURCE_EXHAUSTED
  400, // 9 FAILED_PRECONDITION
  409, // 10 ABORTED
  400, // 11 OUT_OF_RANGE
  501, // 12 UNIMPLEMENTED
  500, // 13 INTERNAL
  503, // 14 UNAVAILABLE
  500, // 15 DATA_LOSS
  401, // 16 UNAUTHENTICATED
];

export function httpStatusOf(code: number): number {
  return HTTP_STATUS_BY_GRPC_CODE[code] ?? 500;
}

/** The JSON form of google.rpc.Status: what an HTTP client gets for a failed call. */
export interface StatusBody {
  code: number;
  message: string;
  details: unknown[];
}

/**
 * Decodes `grpc-status-details-bin` (a serialised google.rpc.Status) with the
 * route's types: each detail is an Any rendered in proto3 JSON (`@type` + fields).
 * A detail whose type the protos do not define keeps its bytes as base64.
 */
export function statusBody(
  root: protobuf.Root,
  error: { code?: number; details?: string; metadata?: Metadata },
): StatusBody {
  const code = typeof error.code === "number" ? error.code : 2;
  const body: StatusBody = { code, message: error.details ?? "", details: [] };
  const raw = error.metadata?.get("grpc-status-details-bin")[0];
  if (!Buffer.isBuffer(raw)) return body;
  const statusType = root.lookupType("google.rpc.Status");
  const anyType = root.lookupType("google.protobuf.Any");
  let decoded: { message?: string; details?: Array<{ type_url?: string; value?: Uint8Array }> };
  try {
    decoded = statusType.decode(raw) as typeof decoded;
  } catch {
    return body;
  }
  if (decoded.message) body.message = decoded.message;
  for (const detail of decoded.details ?? []) {
    try {
      body.details.push(protojson.toJson(anyType, detail));
    } catch {
      body.details.push({
        "@type": detail.type_url ?? "",
        value: Buffer.from(detail.value ?? []).toString("base64"),
      });
    }
  }
  return body;
}
