import { EventEmitter } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadProtos } from "@gateway/grpc-schema";
import type { IdentityVerifier } from "@gateway/identity";
import {
  Metadata,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  status,
  type UntypedHandleCall,
} from "@grpc/grpc-js";
import type protobuf from "protobufjs";
import { createOrderHandlers } from "./handlers.ts";

export const ORDERS_PROTO = join(dirname(fileURLToPath(import.meta.url)), "../proto/orders/v1/orders.proto");
export const ORDERS_SERVICE = "orders.v1.Orders";

/** What the server reports, so tests can wait on events instead of time. */
export interface OrdersEvents {
  /** A call started: method name and its decoded request (plain JSON-ish object). */
  call: [method: string, request: Record<string, unknown>, metadata: Metadata, peer: string];
  /** A call ended because the client cancelled it or its deadline passed. */
  cancelled: [method: string, tag: string];
}

export interface OrdersServerOptions {
  /** Verifies central's identity token from the metadata; WhoAmI reports the result. */
  verifier?: IdentityVerifier;
}

export interface OrdersServer {
  events: EventEmitter<OrdersEvents>;
  /** Binds host:port (0 = any free port) and resolves the port. */
  listen(host: string, port: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The demo orders service on grpc-js, with messages encoded by protobufjs from
 * orders.proto (no generated code).
 */
export function createOrdersServer(options: OrdersServerOptions = {}): OrdersServer {
  const root = loadProtos([ORDERS_PROTO], []);
  const service = root.lookupService(ORDERS_SERVICE);
  const events = new EventEmitter<OrdersEvents>();
  const handlers = createOrderHandlers(root, events, options.verifier);
  const definition: Record<string, ServiceDefinition[string]> = {};
  const implementation: Record<string, UntypedHandleCall> = {};
  for (const method of service.methodsArray) {
    const requestType = method.resolvedRequestType as protobuf.Type;
    const responseType = method.resolvedResponseType as protobuf.Type;
    definition[method.name] = {
      path: `/${ORDERS_SERVICE}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: (value: protobuf.Message) => Buffer.from(requestType.encode(value).finish()),
      requestDeserialize: (bytes: Buffer) => requestType.decode(bytes),
      responseSerialize: (value: Record<string, unknown>) =>
        Buffer.from(responseType.encode(responseType.fromObject(value)).finish()),
      responseDeserialize: (bytes: Buffer) => responseType.decode(bytes),
      originalName: method.name,
    };
    const handler = handlers[method.name];
    if (handler !== undefined) implementation[method.name] = handler as UntypedHandleCall;
  }
  const server = new Server();
  server.addService(definition as ServiceDefinition, implementation);
  return {
    events,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, bound) => {
          if (error) reject(error);
          else resolve(bound);
        });
      });
    },
    stop() {
      return new Promise((resolve) => {
        server.tryShutdown(() => resolve());
        // Hanging calls (the Hang method) would keep a graceful shutdown waiting.
        setTimeout(() => server.forceShutdown(), 1000).unref();
      });
    },
  };
}

export { Metadata, status };
