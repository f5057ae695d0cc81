import type { ServerResponse } from "node:http";
import type { HttpBinding } from "@gateway/grpc-schema";
import type { GrpcStreamFormat } from "@gateway/types";
import {
  type Client,
  status as grpcStatus,
  type Metadata,
  type ServiceError,
  type StatusObject,
} from "@grpc/grpc-js";
import type protobuf from "protobufjs";
import { metadataHeaders } from "./metadata.ts";
import { responseJson, sendJson, sendStatus } from "./response.ts";
import { statusBody } from "./status.ts";
import type { CallEnd } from "./upstream.ts";

export interface CallOptions {
  client: Client;
  binding: HttpBinding;
  root: protobuf.Root;
  request: Uint8Array;
  metadata: Metadata;
  timeoutMs: number;
  streamFormat: GrpcStreamFormat;
  /** Told once how the call ended (the route's breaker and bulkhead learn it here). */
  onEnd(end: CallEnd): void;
  now(): number;
}

/** Watches a call for what its end means to the breaker: answered or not, cancelled by central or not. */
function endTracker(call: { on(event: "metadata", listener: () => void): unknown }, options: CallOptions) {
  const startedAt = options.now();
  let answered = false;
  let cancelledByUs = false;
  call.on("metadata", () => {
    answered = true;
  });
  return {
    cancelled() {
      cancelledByUs = true;
    },
    ended(code: number) {
      options.onEnd({ code, answered, cancelledByUs, latencyMs: options.now() - startedAt });
    },
  };
}

// Messages travel as bytes: central encodes/decodes with protobufjs, grpc-js only frames them.
const serialize = (value: Uint8Array): Buffer =>
  Buffer.from(value.buffer, value.byteOffset, value.byteLength);
const deserialize = (value: Buffer): Buffer => value;

function internal(message: string): Partial<ServiceError> {
  return { code: grpcStatus.INTERNAL, details: message };
}

/**
 * A unary call. The answer is written once the status (and trailers) arrive;
 * the route timeout is the call's deadline; the client leaving cancels it.
 */
export function unaryCall(res: ServerResponse, options: CallOptions): void {
  const { binding, root } = options;
  let initial: Metadata | undefined;
  let outcome: { error: ServiceError | null; value: Buffer | undefined } | undefined;
  const call = options.client.makeUnaryRequest(
    binding.grpc.path,
    serialize,
    deserialize,
    options.request,
    options.metadata,
    { deadline: Date.now() + options.timeoutMs },
    (error, value) => {
      outcome = { error, value };
    },
  );
  const tracker = endTracker(call, options);
  res.once("close", () => {
    if (res.writableFinished) return;
    tracker.cancelled();
    call.cancel();
  });
  call.on("metadata", (metadata: Metadata) => {
    initial = metadata;
  });
  call.on("status", (status: StatusObject) => {
    tracker.ended(status.code);
    if (res.destroyed || res.writableEnded) return;
    const error = outcome?.error ?? (status.code === grpcStatus.OK ? null : status);
    if (error !== null) {
      sendStatus(res, root, { code: error.code, details: error.details, metadata: error.metadata });
      return;
    }
    let json: unknown;
    try {
      json = responseJson(binding.grpc.responseType, outcome?.value ?? Buffer.alloc(0), binding.responseBody);
    } catch (decodeError) {
      sendStatus(res, root, internal(`cannot decode the response: ${(decodeError as Error).message}`));
      return;
    }
    const headers = {
      ...metadataHeaders(initial, "grpc-metadata-"),
      ...metadataHeaders(status.metadata, "grpc-trailer-"),
    } as Record<string, string>;
    sendJson(res, 200, json, headers);
  });
}

/**
 * A server-streaming call: each message is written (and flushed) as it arrives,
 * as one NDJSON line or one JSON array element. Headers go out with the first
 * message, so an error before it is still a proper HTTP error; an error after it
 * ends the stream with a final `{"error": google.rpc.Status}`. Backpressure: the
 * call pauses while the client's socket is full.
 */
export function serverStreamingCall(res: ServerResponse, options: CallOptions): void {
  const { binding, root } = options;
  const ndjson = options.streamFormat === "ndjson";
  let initial: Metadata | undefined;
  let count = 0;
  const call = options.client.makeServerStreamRequest(
    binding.grpc.path,
    serialize,
    deserialize,
    options.request,
    options.metadata,
    { deadline: Date.now() + options.timeoutMs },
  );
  const tracker = endTracker(call, options);
  res.once("close", () => {
    if (res.writableFinished) return;
    tracker.cancelled();
    call.cancel();
  });
  const start = () => {
    res.statusCode = 200;
    for (const [name, value] of Object.entries(metadataHeaders(initial, "grpc-metadata-")))
      res.setHeader(name, value as string);
    res.setHeader("content-type", ndjson ? "application/x-ndjson" : "application/json; charset=utf-8");
    res.setHeader("cache-control", "no-store");
    if (!ndjson) res.write("[");
  };
  const write = (value: unknown) => {
    const text = JSON.stringify(value);
    const chunk = ndjson ? `${text}\n` : `${count === 0 ? "" : ","}${text}`;
    count++;
    if (!res.write(chunk)) {
      call.pause();
      res.once("drain", () => call.resume());
    }
  };
  let failed: Partial<ServiceError> | undefined;
  call.on("metadata", (metadata: Metadata) => {
    initial = metadata;
  });
  call.on("data", (message: Buffer) => {
    if (failed !== undefined || res.destroyed) return;
    let json: unknown;
    try {
      json = responseJson(binding.grpc.responseType, message, binding.responseBody);
    } catch (decodeError) {
      failed = internal(`cannot decode a response message: ${(decodeError as Error).message}`);
      call.cancel();
      return;
    }
    if (!res.headersSent) start();
    write(json);
  });
  // grpc-js also emits "error" for a non-OK status; "status" carries the same facts.
  call.on("error", () => {});
  call.on("status", (status: StatusObject) => {
    // A response message central could not decode is the service's fault (INTERNAL).
    tracker.ended(failed === undefined ? status.code : grpcStatus.INTERNAL);
    if (res.destroyed || res.writableEnded) return;
    const error = failed ?? (status.code === grpcStatus.OK ? undefined : status);
    if (error === undefined) {
      if (!res.headersSent) start();
      res.end(ndjson ? "" : "]");
      return;
    }
    if (!res.headersSent) {
      sendStatus(res, root, error);
      return;
    }
    write({ error: statusBody(root, error) });
    res.end(ndjson ? "" : "]");
  });
}
