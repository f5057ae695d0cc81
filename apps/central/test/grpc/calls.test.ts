import { randomUUID } from "node:crypto";
import type { Metadata } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { type GrpcUnderTest, json, useGrpcCentral } from "./harness.ts";

let t: GrpcUnderTest;
useGrpcCentral((started) => {
  t = started;
});

interface Call {
  request: Record<string, unknown>;
  metadata: Metadata;
  peer: string;
}

function nextCall(
  method: string,
  match: (request: Record<string, unknown>) => boolean = () => true,
): Promise<Call> {
  return new Promise((resolve) => {
    const listener = (name: string, request: Record<string, unknown>, metadata: Metadata, peer: string) => {
      if (name !== method || !match(request)) return;
      t.orders.events.off("call", listener);
      resolve({ request, metadata, peer });
    };
    t.orders.events.on("call", listener);
  });
}

function cancelled(method: string, tag: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (name: string, seenTag: string) => {
      if (name !== method || seenTag !== tag) return;
      t.orders.events.off("cancelled", listener);
      resolve();
    };
    t.orders.events.on("cancelled", listener);
  });
}

const CODES: Array<[number, string, number]> = [
  [1, "CANCELLED", 499],
  [2, "UNKNOWN", 500],
  [3, "INVALID_ARGUMENT", 400],
  [4, "DEADLINE_EXCEEDED", 504],
  [5, "NOT_FOUND", 404],
  [6, "ALREADY_EXISTS", 409],
  [7, "PERMISSION_DENIED", 403],
  [8, "RESOURCE_EXHAUSTED", 429],
  [9, "FAILED_PRECONDITION", 400],
  [10, "ABORTED", 409],
  [11, "OUT_OF_RANGE", 400],
  [12, "UNIMPLEMENTED", 501],
  [13, "INTERNAL", 500],
  [14, "UNAVAILABLE", 503],
  [15, "DATA_LOSS", 500],
  [16, "UNAUTHENTICATED", 401],
];

describe("gRPC status → HTTP", () => {
  it.each(CODES)("%i %s → %i with google.rpc.Status as the body", async (code, _name, httpStatus) => {
    const response = await t.call("GET", `/api/orders/v1/fail/${code}`);
    expect(response.status).toBe(httpStatus);
    expect(response.headers.get("grpc-status")).toBe(String(code));
    expect(response.headers.get("x-request-id")).toMatch(/.+/);
    expect(await json(response)).toEqual({ code, message: `failing with code ${code}`, details: [] });
  });

  it("OK → 200", async () => {
    const response = await t.call("GET", "/api/orders/v1/fail/0");
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({});
  });

  it("details from grpc-status-details-bin, as proto3 JSON Any", async () => {
    const response = await t.call("GET", "/api/orders/v1/fail/9?withDetails=true");
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({
      code: 9,
      message: "failing with code 9",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "DEMO_FAILURE",
          domain: "orders.example",
          metadata: { code: "9" },
        },
        {
          "@type": "type.googleapis.com/google.rpc.BadRequest",
          fieldViolations: [{ field: "code", description: "asked to fail" }],
        },
      ],
    });
  });

  it("an unreachable service is 503 UNAVAILABLE", async () => {
    const response = await t.call("GET", "/api/orders-down/v1/orders/o-1");
    expect(response.status).toBe(503);
    expect(await json(response)).toMatchObject({ code: 14 });
  });
});

describe("the route's circuit breaker", () => {
  function callsSeen(method: string): () => number {
    let count = 0;
    t.orders.events.on("call", (name: string) => {
      if (name === method) count++;
    });
    return () => count;
  }

  it("4xx codes never count; 3 INTERNAL in a row open it, and then 503 upstream_unavailable without a call", async () => {
    const fails = callsSeen("Fail");
    for (const code of [5, 3, 9, 7, 5]) {
      expect((await t.call("GET", `/api/orders-fragile/v1/fail/${code}`)).status).toBeLessThan(500);
    }
    for (let i = 0; i < 3; i++) {
      const failed = await t.call("GET", "/api/orders-fragile/v1/fail/13");
      expect(failed.status).toBe(500);
      expect(failed.headers.get("grpc-status")).toBe("13");
    }
    expect(fails()).toBe(8);
    const refused = await t.call("GET", "/api/orders-fragile/v1/fail/5");
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await json(refused)) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe("upstream_unavailable");
    expect(body.error.requestId).toMatch(/.+/);
    // Refused without touching the service.
    expect(fails()).toBe(8);
    // Other gRPC routes to the same address have breakers of their own.
    expect((await t.call("GET", "/api/orders/v1/fail/5")).status).toBe(404);
  });

  it("an unreachable service counts as a failure; /readyz?verbose shows the route's breaker", async () => {
    for (let i = 0; i < 5; i++) {
      const unavailable = await t.call("GET", "/api/orders-gone/v1/orders/1");
      expect(unavailable.status).toBe(503);
      expect(await json(unavailable)).toMatchObject({ code: 14 });
    }
    const refused = await t.call("GET", "/api/orders-gone/v1/orders/1");
    expect(refused.status).toBe(503);
    expect(((await json(refused)) as { error: { code: string } }).error.code).toBe("upstream_unavailable");
    const ready = await fetch(`${t.central.url}/readyz?verbose=1`);
    const details = JSON.stringify(await ready.json());
    expect(details).toContain("orders-gone");
    expect(details).toMatch(/"state":"open"/);
  });
});

describe("deadlines and cancellation", () => {
  it("the route timeout is the deadline: 504 DEADLINE_EXCEEDED, and the service sees the call end", async () => {
    const tag = randomUUID();
    const ended = cancelled("Hang", tag);
    const response = await t.call("GET", `/api/orders-fast/v1/hang/${tag}`);
    expect(response.status).toBe(504);
    expect(await json(response)).toMatchObject({ code: 4 });
    await ended;
  });

  it("the client disconnecting cancels the call (the service observes it)", async () => {
    const tag = randomUUID();
    const started = nextCall("Hang", (request) => request.tag === tag);
    const ended = cancelled("Hang", tag);
    const abort = new AbortController();
    const pending = t
      .call("GET", `/api/orders/v1/hang/${tag}`, { signal: abort.signal })
      .catch((error: Error) => error);
    await started;
    abort.abort();
    await ended;
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe("metadata", () => {
  it("the service gets a verifiable identity token, x-user-id, request id, traceparent and the configured x- headers only", async () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const seen = nextCall("WhoAmI");
    const response = await t.call("GET", "/api/orders/v1/whoami", {
      headers: {
        traceparent,
        "x-demo-trace": "forward-me",
        "x-demo-other": "not configured",
        "x-user-id": "mallory",
      },
    });
    expect(response.status).toBe(200);
    const body = (await json(response)) as Record<string, unknown>;
    expect(body).toEqual({
      sub: "alice",
      verified: true,
      userId: "alice",
      requestId: response.headers.get("x-request-id"),
      // the same trace; central's span of the call as the parent
      traceparent: expect.stringMatching(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/),
      forwarded: { "x-demo-trace": "forward-me" },
      roles: ["user"],
    });
    expect(response.headers.get("grpc-metadata-x-served-by")).toBe("demo-orders");
    expect(response.headers.get("grpc-trailer-x-verified-by")).toBe("demo-orders");
    expect(body.traceparent).not.toContain("b7ad6b7169203331");
    const { metadata } = await seen;
    expect(metadata.get("x-demo-other")).toEqual([]);
    // The token is bound to the gRPC call: as an HTTP GET of the public path it does not verify.
    const verifier = await t.central.serviceVerifier("orders");
    const token = metadata.get("x-gateway-identity")[0] as string;
    expect(
      await verifier.verify(token, { method: "POST", pathAndQuery: "/orders.v1.Orders/WhoAmI" }),
    ).toMatchObject({
      ok: true,
      claims: { iss: "central", aud: "orders", sub: "alice" },
    });
    expect(
      await verifier.verify(token, { method: "GET", pathAndQuery: "/api/orders/v1/whoami" }),
    ).toMatchObject({
      ok: false,
      reason: "binding_mismatch",
    });
  });

  it("one channel per address: calls through different routes arrive from the same client connection", async () => {
    const first = nextCall("GetBook");
    await (await t.call("GET", "/api/orders/v1/shelves/a/books/b")).arrayBuffer();
    const second = nextCall("GetBook");
    await (await t.call("GET", "/api/orders-array/v1/shelves/a/books/b")).arrayBuffer();
    expect((await second).peer).toBe((await first).peer);
  });
});

async function readLines(
  response: Response,
  count: number,
): Promise<{ lines: unknown[]; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const lines: unknown[] = [];
  while (lines.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline !== -1) {
      lines.push(JSON.parse(buffer.slice(0, newline)));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf("\n");
    }
  }
  return { lines, reader };
}

describe("server streaming", () => {
  it("NDJSON, one line per message, each flushed as it arrives (read while the stream is still open)", async () => {
    const ended = new Promise<void>((resolve) => {
      const listener = (name: string) => {
        if (name !== "WatchOrders") return;
        t.orders.events.off("cancelled", listener);
        resolve();
      };
      t.orders.events.on("cancelled", listener);
    });
    const abort = new AbortController();
    const response = await t.call("GET", "/api/orders/v1/orders:watch?count=2&hold=true", {
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const { lines } = await readLines(response, 2);
    expect(lines.map((line) => (line as { seq: number }).seq)).toEqual([1, 2]);
    expect(lines[0]).toMatchObject({ order: { id: "o-1", totalCents: "9007199254740993" } });
    abort.abort();
    await ended;
  });

  it("NDJSON: an error mid-stream ends it with a final error object", async () => {
    const response = await t.call("GET", "/api/orders/v1/orders:watch?count=3&failAfter=2");
    expect(response.status).toBe(200);
    const lines = (await response.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.seq ?? "error")).toEqual([1, 2, "error"]);
    expect(lines[2]).toEqual({ error: { code: 9, message: "stopped after 2 events", details: [] } });
  });

  it("an error before the first message is a plain HTTP error", async () => {
    const early = await t.call("GET", "/api/orders-down/v1/orders:watch?count=1");
    expect(early.status).toBe(503);
    expect(await json(early)).toMatchObject({ code: 14 });
  });

  it("a JSON array when the route says so, with a trailing error element on failure", async () => {
    const ok = await t.call("GET", "/api/orders-array/v1/orders:watch?count=3");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(((await json(ok)) as Array<{ seq: number }>).map((event) => event.seq)).toEqual([1, 2, 3]);
    const empty = await t.call("GET", "/api/orders-array/v1/orders:watch?count=0");
    expect(await json(empty)).toEqual([]);
    const failing = await t.call("GET", "/api/orders-array/v1/orders:watch?count=2&failAfter=1");
    expect(await json(failing)).toEqual([
      expect.objectContaining({ seq: 1 }),
      { error: { code: 9, message: "stopped after 1 events", details: [] } },
    ]);
  });
});

describe("rate limits and identity apply as on HTTP routes", () => {
  it("the third request in the window is 429 and never reaches the service", async () => {
    const sub = `grpc-user-${randomUUID()}`;
    let calls = 0;
    const listener = () => {
      calls++;
    };
    t.orders.events.on("call", listener);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await t.call("GET", "/api/orders-limited/v1/orders/o-2", { identity: { sub } });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    t.orders.events.off("call", listener);
    expect(statuses).toEqual([200, 200, 429]);
    expect(calls).toBe(2);
  });

  it("without an identity token: 401 before any call", async () => {
    const response = await fetch(`${t.central.url}/api/orders/v1/orders/o-1`);
    expect(response.status).toBe(401);
  });
});
