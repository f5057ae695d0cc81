import { describe, expect, it } from "vitest";
import { type GrpcUnderTest, json, useGrpcCentral } from "./harness.ts";

let t: GrpcUnderTest;
useGrpcCentral((started) => {
  t = started;
});

/** Resolves with the request the service decodes for the next call of `method`. */
function nextRequest(method: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const listener = (name: string, request: Record<string, unknown>) => {
      if (name !== method) return;
      t.orders.events.off("call", listener);
      resolve(request);
    };
    t.orders.events.on("call", listener);
  });
}

describe("the HttpRule grammar through central", () => {
  it("literal path, filters from the query (enum by name, repeated, nested)", async () => {
    const seen = nextRequest("ListOrders");
    const response = await t.call(
      "GET",
      "/api/orders/v1/orders?status=PENDING&ids=o-1&ids=o-9&customer.id=c-1",
    );
    expect(response.status).toBe(200);
    expect(await seen).toEqual({ status: "PENDING", ids: ["o-1", "o-9"], customer: { id: "c-1" } });
    const body = (await json(response)) as { orders: Array<{ id: string }> };
    expect(body.orders.map((order) => order.id)).toEqual(["o-1"]);
  });

  it("an enum by number in the query", async () => {
    const seen = nextRequest("ListOrders");
    expect((await t.call("GET", "/api/orders/v1/orders?status=2")).status).toBe(200);
    expect(await seen).toEqual({ status: "SHIPPED" });
  });

  it("{field}: one segment, percent-decoded", async () => {
    const seen = nextRequest("GetOrder");
    const response = await t.call("GET", "/api/orders/v1/orders/o%201");
    expect(response.status).toBe(404);
    expect(await seen).toEqual({ id: "o 1" });
  });

  it("{field} answers with the message in proto3 JSON (lowerCamelCase, int64 as string, json_name, enum names)", async () => {
    const response = await t.call("GET", "/api/orders/v1/orders/o-1");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await json(response)).toEqual({
      id: "o-1",
      customer: { id: "c-1", name: "Ada" },
      status: "PENDING",
      items: [{ sku: "book-42", quantity: 2, priceCents: "1999" }],
      totalCents: "9007199254740993",
      labels: { channel: "web" },
      cardToken: "tok_visa",
      createdAt: "2023-11-14T22:13:20Z",
      comment: "leave at the door",
    });
  });

  it("additional_bindings with a nested path field {customer.id}", async () => {
    const seen = nextRequest("GetOrder");
    const response = await t.call("GET", "/api/orders/v1/customers/c-1/orders/o-1");
    expect(response.status).toBe(200);
    expect(await seen).toEqual({ id: "o-1", customer: { id: "c-1" } });
    const wrongCustomer = await t.call("GET", "/api/orders/v1/customers/c-2/orders/o-1");
    expect(wrongCustomer.status).toBe(404);
  });

  it("three levels of nesting {where.region.code}", async () => {
    const seen = nextRequest("LocateOrder");
    const response = await t.call("GET", "/api/orders/v1/regions/eu-west/orders/o-7");
    expect(await json(response)).toEqual({ region: "eu-west", orderId: "o-7" });
    expect(await seen).toEqual({ where: { region: { code: "eu-west" } }, id: "o-7" });
  });

  it("{name=shelves/*/books/*} captures the whole multi-segment value", async () => {
    const response = await t.call("GET", "/api/orders/v1/shelves/s1/books/b%C3%A9");
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      name: "shelves/s1/books/bé",
      title: "Title of shelves/s1/books/bé",
    });
    expect((await t.call("GET", "/api/orders/v1/shelves/s1/books")).status).toBe(404);
    expect((await t.call("GET", "/api/orders/v1/shelves/s1/books/b/extra")).status).toBe(404);
  });

  it("{path=**} keeps the slashes, and matches zero segments", async () => {
    expect(await json(await t.call("GET", "/api/orders/v1/documents/a/b/c.txt"))).toEqual({
      path: "a/b/c.txt",
    });
    const seen = nextRequest("GetDocument");
    expect((await t.call("GET", "/api/orders/v1/documents")).status).toBe(200);
    expect(await seen).toEqual({});
  });

  it('a custom verb :cancel with body "*"', async () => {
    const seen = nextRequest("CancelOrder");
    const response = await t.call("POST", "/api/orders/v1/orders/o-1:cancel", {
      body: JSON.stringify({ reason: "changed my mind" }),
    });
    expect(response.status).toBe(200);
    expect(await seen).toEqual({ id: "o-1", reason: "changed my mind" });
    expect(await json(response)).toMatchObject({
      id: "o-1",
      status: "CANCELLED",
      comment: "changed my mind",
    });
  });

  it('body "field": the body is the order, the query sets the other fields', async () => {
    const seen = nextRequest("CreateOrder");
    const response = await t.call("POST", "/api/orders/v1/orders?request_id=r-1", {
      body: JSON.stringify({ id: "o-new", customer: { id: "c-3" }, total_cents: 42, invoiceRef: "inv-1" }),
    });
    expect(response.status).toBe(200);
    expect(await seen).toEqual({
      order: {
        id: "o-new",
        customer: { id: "c-3" },
        total_cents: "42",
        invoice_ref: "inv-1",
        payment: "invoice_ref",
      },
      request_id: "r-1",
    });
    expect(await json(response)).toEqual({
      id: "o-new",
      customer: { id: "c-3" },
      status: "PENDING",
      totalCents: "42",
      invoiceRef: "inv-1",
    });
  });

  it("a nested path field inside the body field, and a FieldMask from the query", async () => {
    const seen = nextRequest("UpdateOrder");
    const response = await t.call("PATCH", "/api/orders/v1/orders/o-2?updateMask=note,labels", {
      body: JSON.stringify({ comment: "fragile", labels: { gift: "yes" } }),
    });
    expect(response.status).toBe(200);
    expect(await seen).toEqual({
      order: { id: "o-2", note: "fragile", labels: { gift: "yes" } },
      update_mask: { paths: ["note", "labels"] },
    });
  });

  it("no body: DELETE; a body where the rule has none is a 400", async () => {
    const created = await t.call("POST", "/api/orders/v1/orders", { body: JSON.stringify({ id: "o-del" }) });
    expect(created.status).toBe(200);
    const deleted = await t.call("DELETE", "/api/orders/v1/orders/o-del");
    expect(deleted.status).toBe(200);
    expect(await json(deleted)).toEqual({});
    const withBody = await t.call("DELETE", "/api/orders/v1/orders/o-2", { body: "{}" });
    expect(withBody.status).toBe(400);
    expect(await json(withBody)).toMatchObject({
      error: { code: "bad_request", message: "this method takes no request body" },
    });
  });

  it("response_body: only that field is the response", async () => {
    const response = await t.call("GET", "/api/orders/v1/orders/o-2/status");
    expect(response.status).toBe(200);
    expect(await json(response)).toBe("SHIPPED");
  });

  it("unmapped paths are 404, a mapped path with another method is 405 with Allow", async () => {
    const missing = await t.call("GET", "/api/orders/v2/nothing");
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ error: { code: "not_found" } });
    const wrongMethod = await t.call("PUT", "/api/orders/v1/orders/o-1");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, PATCH, DELETE");
  });

  it("client streaming has a rule but is answered 501 without calling the service", async () => {
    let called = false;
    const listener = (name: string) => {
      if (name === "ImportOrders") called = true;
    };
    t.orders.events.on("call", listener);
    const response = await t.call("POST", "/api/orders/v1/orders:import", { body: "{}" });
    t.orders.events.off("call", listener);
    expect(response.status).toBe(501);
    expect(await json(response)).toMatchObject({ error: { code: "not_implemented" } });
    expect(called).toBe(false);
  });
});
