import type { AddressInfo } from "node:net";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_LIMITS } from "../../test/support/mini-app.ts";
import { rawRequest, statusLine } from "../../test/support/raw-http.ts";
import { createServer, rawErrorResponse } from "./index.ts";

const limits = { ...TEST_LIMITS, headersTimeoutMs: 300, requestTimeoutMs: 600 };
// Reads the whole body before answering, so an incomplete body keeps the request open.
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.end("ok"));
}, limits);
let port: number;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("hardened server", () => {
  it("answers a slow header block with 408 and closes", async () => {
    const started = Date.now();
    const response = await rawRequest(port, "GET / HTTP/1.1\r\nHost: x\r\n", 5000);
    expect(statusLine(response)).toBe("HTTP/1.1 408 Request Timeout");
    expect(response).toContain('"code":"request_timeout"');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("answers a body that never completes with 408", async () => {
    const response = await rawRequest(
      port,
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
      5000,
    );
    expect(statusLine(response)).toBe("HTTP/1.1 408 Request Timeout");
  });

  it("keeps serving after a client error", async () => {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.resume();
    socket.write("\x00\x01\x02 nonsense\r\n\r\n");
    await new Promise((resolve) => socket.once("close", resolve));
    expect(statusLine(await rawRequest(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))).toBe(
      "HTTP/1.1 200 OK",
    );
  });

  it("raw error responses are complete HTTP messages with the JSON error shape", () => {
    const response = rawErrorResponse("headers_too_large", "too big");
    const [head, body] = response.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body ?? "")}`);
    expect(head).toContain("Connection: close");
    const parsed = JSON.parse(body ?? "") as { error: { code: string; requestId: string } };
    expect(parsed.error.code).toBe("headers_too_large");
    expect(head).toContain(`X-Request-ID: ${parsed.error.requestId}`);
  });
});
