import type { EventEmitter } from "node:events";
import type { IdentityVerifier } from "@gateway/identity";
import { Metadata, type ServerUnaryCall, type ServerWritableStream, status } from "@grpc/grpc-js";
import type protobuf from "protobufjs";
import type { OrdersEvents } from "./server.ts";

type Plain = Record<string, unknown>;
type Callback = (
  error: { code: status; details: string; metadata?: Metadata } | null,
  value?: unknown,
  trailer?: Metadata,
) => void;
type Unary = (call: ServerUnaryCall<protobuf.Message, unknown>, callback: Callback) => void;
type Streaming = (call: ServerWritableStream<protobuf.Message, unknown>) => void;

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, oneofs: true };

function seedOrders(): Map<string, Plain> {
  return new Map<string, Plain>([
    [
      "o-1",
      {
        id: "o-1",
        customer: { id: "c-1", name: "Ada" },
        status: "PENDING",
        items: [{ sku: "book-42", quantity: 2, price_cents: "1999" }],
        total_cents: "9007199254740993",
        labels: { channel: "web" },
        card_token: "tok_visa",
        created_at: { seconds: 1_700_000_000, nanos: 0 },
        note: "leave at the door",
      },
    ],
    ["o-2", { id: "o-2", customer: { id: "c-2", name: "Grace" }, status: "SHIPPED", total_cents: "500" }],
  ]);
}

function notFound(id: string) {
  return { code: status.NOT_FOUND, details: `order "${id}" not found` };
}

/** google.rpc.Status with an ErrorInfo and a BadRequest detail, serialised for grpc-status-details-bin. */
function statusDetails(root: protobuf.Root, code: number, message: string): Buffer {
  const any = (typeName: string, value: Plain) => {
    const type = root.lookupType(typeName);
    return {
      type_url: `type.googleapis.com/${typeName}`,
      value: type.encode(type.fromObject(value)).finish(),
    };
  };
  const statusType = root.lookupType("google.rpc.Status");
  const details = [
    any("google.rpc.ErrorInfo", {
      reason: "DEMO_FAILURE",
      domain: "orders.example",
      metadata: { code: String(code) },
    }),
    any("google.rpc.BadRequest", { field_violations: [{ field: "code", description: "asked to fail" }] }),
  ];
  return Buffer.from(statusType.encode(statusType.fromObject({ code, message, details })).finish());
}

export function createOrderHandlers(
  root: protobuf.Root,
  events: EventEmitter<OrdersEvents>,
  verifier: IdentityVerifier | undefined,
): Record<string, Unary | Streaming> {
  const orders = seedOrders();
  const plain = (call: { request: protobuf.Message }): Plain =>
    (call.request.$type as protobuf.Type).toObject(call.request, TO_OBJECT);
  const report = (
    method: string,
    call: { request: protobuf.Message; metadata: Metadata; getPeer(): string },
  ): Plain => {
    const request = plain(call);
    events.emit("call", method, request, call.metadata, call.getPeer());
    return request;
  };
  const unary =
    (
      method: string,
      run: (
        request: Plain,
        call: ServerUnaryCall<protobuf.Message, unknown>,
      ) => Plain | { code: status; details: string; metadata?: Metadata },
    ): Unary =>
    (call, callback) => {
      const result = run(report(method, call), call);
      if (typeof result.code === "number" && typeof result.details === "string") callback(result as never);
      else callback(null, result);
    };
  const find = (id: string) => orders.get(id);

  return {
    ListOrders: unary("ListOrders", (request) => {
      const ids = (request.ids as string[] | undefined) ?? [];
      const list = [...orders.values()].filter(
        (order) =>
          (request.status === undefined || order.status === request.status) &&
          (ids.length === 0 || ids.includes(order.id as string)),
      );
      const size = (request.page_size as number | undefined) ?? 0;
      return { orders: size > 0 ? list.slice(0, size) : list };
    }),
    GetOrder: unary("GetOrder", (request) => {
      const order = find(request.id as string);
      const customer = (request.customer as Plain | undefined)?.id;
      if (order === undefined || (customer !== undefined && (order.customer as Plain).id !== customer))
        return notFound(request.id as string);
      return order;
    }),
    CreateOrder: unary("CreateOrder", (request) => {
      const order: Plain = { ...(request.order as Plain), status: "PENDING" };
      order.id = (order.id as string | undefined) || `o-${orders.size + 1}`;
      if (orders.has(order.id as string))
        return { code: status.ALREADY_EXISTS, details: `order "${order.id}" already exists` };
      orders.set(order.id as string, order);
      return order;
    }),
    UpdateOrder: unary("UpdateOrder", (request) => {
      const patch = request.order as Plain;
      const existing = find(patch.id as string);
      if (existing === undefined) return notFound(patch.id as string);
      const paths =
        ((request.update_mask as Plain | undefined)?.paths as string[] | undefined) ?? Object.keys(patch);
      for (const path of paths) existing[path] = patch[path];
      return existing;
    }),
    CancelOrder: unary("CancelOrder", (request) => {
      const order = find(request.id as string);
      if (order === undefined) return notFound(request.id as string);
      if (order.status === "SHIPPED")
        return { code: status.FAILED_PRECONDITION, details: "a shipped order cannot be cancelled" };
      order.status = "CANCELLED";
      order.note = request.reason ?? "";
      return order;
    }),
    DeleteOrder: unary("DeleteOrder", (request) =>
      orders.delete(request.id as string) ? {} : notFound(request.id as string),
    ),
    GetOrderStatus: unary(
      "GetOrderStatus",
      (request) => find(request.id as string) ?? notFound(request.id as string),
    ),
    LocateOrder: unary("LocateOrder", (request) => ({
      region: ((request.where as Plain).region as Plain).code,
      order_id: request.id,
    })),
    GetBook: unary("GetBook", (request) => ({ name: request.name, title: `Title of ${request.name}` })),
    GetDocument: unary("GetDocument", (request) => ({ path: request.path })),
    Echo: (call, callback) => {
      report("Echo", call);
      callback(null, call.request);
    },
    Fail: unary("Fail", (request) => {
      const code = (request.code as number | undefined) ?? 0;
      if (code === 0) return {};
      const message = `failing with code ${code}`;
      const metadata = new Metadata();
      if (request.with_details === true)
        metadata.set("grpc-status-details-bin", statusDetails(root, code, message));
      return { code, details: message, metadata };
    }),
    Hang: (call: ServerUnaryCall<protobuf.Message, unknown>) => {
      const request = report("Hang", call);
      call.on("cancelled", () => events.emit("cancelled", "Hang", (request.tag as string | undefined) ?? ""));
    },
    WhoAmI: (call, callback) => {
      report("WhoAmI", call);
      const served = new Metadata();
      served.set("x-served-by", "demo-orders");
      call.sendMetadata(served);
      const header = (name: string) => {
        const value = call.metadata.get(name)[0];
        return typeof value === "string" ? value : "";
      };
      const forwarded: Record<string, string> = {};
      for (const [name, value] of Object.entries(call.metadata.getMap()))
        if (typeof value === "string" && name.startsWith("x-demo-")) forwarded[name] = value;
      const trailer = new Metadata();
      trailer.set("x-verified-by", "demo-orders");
      const answer = (verified: boolean, sub: string, verifyError: string, roles: string[]) =>
        callback(
          null,
          {
            sub,
            verified,
            verify_error: verifyError,
            user_id: header("x-user-id"),
            request_id: header("x-request-id"),
            traceparent: header("traceparent"),
            forwarded,
            roles,
          },
          trailer,
        );
      if (verifier === undefined) {
        answer(false, "", "no verifier configured", []);
        return;
      }
      verifier.verify(header("x-gateway-identity"), { method: "POST", pathAndQuery: call.getPath() }).then(
        (result) =>
          result.ok
            ? answer(true, result.claims.sub, "", result.claims.roles)
            : answer(false, "", result.reason, []),
        (error: Error) => answer(false, "", error.message, []),
      );
    },
    WatchOrders: ((call: ServerWritableStream<protobuf.Message, unknown>) => {
      const request = report("WatchOrders", call);
      const count = (request.count as number | undefined) ?? 0;
      const failAfter = (request.fail_after as number | undefined) ?? 0;
      call.on("cancelled", () => events.emit("cancelled", "WatchOrders", ""));
      for (let seq = 1; seq <= count; seq++) {
        if (failAfter > 0 && seq > failAfter) {
          call.emit("error", {
            code: status.FAILED_PRECONDITION,
            details: `stopped after ${failAfter} events`,
          });
          return;
        }
        call.write({ seq, order: orders.get("o-1") });
      }
      if (request.hold !== true) call.end();
    }) as Streaming,
    ImportOrders: ((_call: unknown, callback: Callback) => {
      callback({
        code: status.UNIMPLEMENTED,
        details: "client streaming is not reachable through the gateway",
      });
    }) as unknown as Unary,
  };
}
