// REST → gRPC through real processes: client → edge (workerd) → central → apps/demo-orders (grpc-js).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningStack } from "../../../scripts/stack.ts";
import { mintToken, startTestStack } from "./support.ts";

let stack: RunningStack;

beforeAll(async () => {
  ({ stack } = await startTestStack());
});

afterAll(async () => {
  await stack?.stop();
});

describe("a gRPC route through the edge", () => {
  it("GET /api/orders/v1/orders/o-1 is transcoded to orders.v1.Orders/GetOrder", async () => {
    const token = await mintToken(stack, { sub: "alice" });
    const response = await fetch(`${stack.urls.edge}/api/orders/v1/orders/o-1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: "o-1",
      status: "PENDING",
      totalCents: "9007199254740993",
    });
  });

  it("the service verifies the identity token central signed for the call", async () => {
    const token = await mintToken(stack, { sub: "bob", roles: ["ops"] });
    const response = await fetch(`${stack.urls.edge}/api/orders/v1/whoami`, {
      headers: { authorization: `Bearer ${token}`, "x-request-id": "e2e-grpc-1" },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      sub: "bob",
      verified: true,
      userId: "bob",
      requestId: "e2e-grpc-1",
      roles: ["ops"],
    });
  });

  it("server streaming arrives as NDJSON through the edge", async () => {
    const token = await mintToken(stack, { sub: "alice" });
    const response = await fetch(`${stack.urls.edge}/api/orders/v1/orders:watch?count=3`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await response.text()).trim().split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([1, 2, 3]);
  });

  it("a gRPC error keeps its HTTP mapping and google.rpc.Status body", async () => {
    const token = await mintToken(stack, { sub: "alice" });
    const response = await fetch(`${stack.urls.edge}/api/orders/v1/orders/nope`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 5, message: 'order "nope" not found', details: [] });
  });
});
