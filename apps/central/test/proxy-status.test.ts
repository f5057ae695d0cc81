// Proxy-Status (RFC 9209): every response central generates names central and
// why; responses relayed from the service carry none, whatever their status.
import { IDENTITY_HEADER } from "@gateway/types";
import { afterEach, describe, expect, it } from "vitest";
import { useCentralWithUpstream } from "./support/central-with-upstream.ts";
import type { CentralUnderTest } from "./support/harness.ts";
import { rawRequest } from "./support/raw-http.ts";
import type { RecordingUpstream } from "./support/upstream.ts";

let upstream: RecordingUpstream;
let central: CentralUnderTest;
useCentralWithUpstream((started) => {
  ({ upstream, central } = started);
});
afterEach(() => {
  upstream.respondWith((req, res) => res.end(JSON.stringify({ method: req.method, url: req.url })));
});

async function call(target: string, init: { method?: string; body?: string; token?: boolean } = {}) {
  const method = init.method ?? "GET";
  const headers: Record<string, string> =
    init.token === false ? {} : { [IDENTITY_HEADER]: await central.mint(method, target) };
  return fetch(central.url + target, {
    method,
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
}

describe("Proxy-Status from central", () => {
  it("a gateway 404 (no route) is marked, a service 404 is not", async () => {
    const gateway = await call("/nowhere");
    expect(gateway.status).toBe(404);
    expect(gateway.headers.get("proxy-status")).toBe(
      'central; error=destination_not_found; details="not_found"',
    );

    upstream.respondWith((_req, res) => {
      res.statusCode = 404;
      res.end("no such user");
    });
    const service = await call("/api/users/nobody");
    expect(service.status).toBe(404);
    expect(await service.text()).toBe("no such user");
    expect(service.headers.get("proxy-status")).toBeNull();
  });

  it("a gateway 413 (route limit) is marked, a service 413 is not", async () => {
    const gateway = await call("/api/small", { method: "POST", body: "x".repeat(17) });
    expect(gateway.status).toBe(413);
    expect(gateway.headers.get("proxy-status")).toBe(
      'central; error=http_request_error; details="payload_too_large"',
    );

    upstream.respondWith((_req, res) => {
      res.statusCode = 413;
      res.end("service says too large");
    });
    const service = await call("/api/small", { method: "POST", body: "x".repeat(16) });
    expect(service.status).toBe(413);
    expect(service.headers.get("proxy-status")).toBeNull();
  });

  it("a missing identity token is a denial", async () => {
    const response = await call("/api/users", { token: false });
    expect(response.status).toBe(401);
    expect(response.headers.get("proxy-status")).toMatch(
      /^central; error=http_request_denied; details="\w+"$/,
    );
  });

  it("nothing listening upstream: connection_refused", async () => {
    const response = await call("/api/down");
    expect(response.status).toBe(502);
    expect(response.headers.get("proxy-status")).toBe(
      'central; error=connection_refused; details="upstream_error"',
    );
  });

  it("the upstream resets the connection before answering: connection_terminated", async () => {
    upstream.respondWith((req) => req.socket.destroy());
    const response = await call("/api/users/reset");
    expect(response.status).toBe(502);
    expect(response.headers.get("proxy-status")).toBe(
      'central; error=connection_terminated; details="upstream_error"',
    );
  });

  it("no response within the route's timeout: http_response_timeout", async () => {
    upstream.respondWith((_req, res) => {
      setTimeout(() => res.end("too late"), 2000).unref();
    });
    const response = await call("/api/slow");
    expect(response.status).toBe(504);
    expect(response.headers.get("proxy-status")).toBe(
      'central; error=http_response_timeout; details="upstream_timeout"',
    );
  });

  it("a request Node's parser refuses is marked too", async () => {
    const response = await rawRequest(central.port, "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(response).toContain(
      '\r\nProxy-Status: central; error=http_request_error; details="bad_request"\r\n',
    );
  });
});
