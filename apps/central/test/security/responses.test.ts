import type { RequestHandler } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SecureCentral, startSecureCentral } from "./support/central.ts";
import { securityConfigYaml } from "./support/config.ts";
import { type RawResponse, sendRaw } from "./support/raw.ts";
import { expectStillServing, signedHead } from "./support/suite.ts";
import { startWatchedUpstream, type WatchedUpstream } from "./support/upstream.ts";

let upstream: WatchedUpstream;
let central: SecureCentral;

/** Sits in the rate-limit slot and fails on demand: a handler bug central must not leak. */
const faulty: RequestHandler = (req, _res, next) => {
  if (req.url.includes("/throw-sync")) throw new Error("secret detail at /srv/app/internal.ts:42");
  if (req.url.includes("/throw-async")) {
    Promise.reject(new TypeError("async secret detail")).catch(next);
    return;
  }
  next();
};

beforeAll(async () => {
  upstream = await startWatchedUpstream();
  central = await startSecureCentral({
    yaml: securityConfigYaml({ upstream: upstream.url }),
    rateLimit: faulty,
  });
});
afterAll(async () => {
  await central?.close();
  await upstream?.close();
});

async function get(target: string, extra = ""): Promise<RawResponse> {
  const head = await signedHead(central, "GET", target, `${extra}Connection: close\r\n`);
  return sendRaw(central.port, `${head}\r\n`);
}

function expectGatewaySecurityHeaders(response: RawResponse, label: string): void {
  expect(response.headers["x-content-type-options"], label).toBe("nosniff");
  expect(response.headers["referrer-policy"], label).toBe("no-referrer");
  expect(response.headers["content-security-policy"], label).toBe(
    "default-src 'none'; frame-ancestors 'none'",
  );
  expect(response.headers["x-powered-by"], label).toBeUndefined();
  expect(response.headers.server, label).toBeUndefined();
  expect(response.headers["strict-transport-security"], label).toBeUndefined();
}

describe("gateway-generated responses", () => {
  it("errors from every layer carry the security headers and no-store", async () => {
    const responses: Array<[string, RawResponse]> = [
      ["404 no route", await get("/nowhere")],
      ["403 role missing", await get("/api/admin/x")],
      [
        "401 no token",
        await sendRaw(central.port, "GET /api/files/x HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n"),
      ],
      ["400 invalid path", await get("/api/files/%2e%2e%2fadmin")],
      ["400 parser error", await sendRaw(central.port, "GARBAGE\r\n\r\n")],
      [
        "431 parser error",
        await sendRaw(central.port, `GET / HTTP/1.1\r\nHost: c\r\nX: ${"a".repeat(9000)}\r\n\r\n`),
      ],
      ["400 CONNECT", await sendRaw(central.port, "CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n")],
    ];
    for (const [label, response] of responses) {
      expect(response.status, label).toBeGreaterThanOrEqual(400);
      expectGatewaySecurityHeaders(response, label);
      expect(response.headers["cache-control"], label).toBe("no-store");
      expect(response.headers["content-type"], label).toBe("application/json; charset=utf-8");
    }
  });

  it("health answers carry them too", async () => {
    const response = await sendRaw(
      central.port,
      "GET /healthz HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n",
    );
    expect(response.status).toBe(200);
    expectGatewaySecurityHeaders(response, "healthz");
  });

  it("a handler that throws (sync or async) → our JSON 500, no stack, no message, process alive", async () => {
    for (const target of ["/api/files/throw-sync", "/api/files/throw-async"]) {
      const response = await get(target);
      expect(response.statusLine, target).toBe("HTTP/1.1 500 Internal Server Error");
      const body = JSON.parse(response.body) as { error: Record<string, unknown> };
      expect(Object.keys(body.error).sort()).toEqual(["code", "message", "requestId"]);
      expect(body.error.code).toBe("internal_error");
      expect(response.body).not.toMatch(/secret|stack|\.ts|at \w|TypeError|Error:/);
      expectGatewaySecurityHeaders(response, target);
      expect(response.headers["cache-control"]).toBe("no-store");
    }
    // The detail goes to the log, where operators can see it.
    expect(central.logText()).toContain("secret detail");
    await expectStillServing(central);
  });
});

describe("relayed upstream responses", () => {
  it("Server and X-Powered-By banners are stripped; the service's own policy headers are kept", async () => {
    upstream.respondWith((_req, res) => {
      res.setHeader("server", "Apache/2.4.1 (Unix) OpenSSL/1.0.2");
      res.setHeader("x-powered-by", "PHP/5.6.40");
      res.setHeader("content-type", "text/html");
      res.setHeader("content-security-policy", "default-src 'self'");
      res.end("<p>page</p>");
    });
    const response = await get("/api/files/page.html");
    expect(response.status).toBe(200);
    expect(response.headers.server).toBeUndefined();
    expect(response.headers["x-powered-by"]).toBeUndefined();
    expect(response.headers["content-security-policy"]).toBe("default-src 'self'");
    expect(response.body).toBe("<p>page</p>");
  });

  it("an upstream response is not given the gateway's deny-all CSP or no-store", async () => {
    upstream.respondWith((_req, res) => {
      res.statusCode = 404;
      res.setHeader("content-type", "text/html");
      res.setHeader("cache-control", "max-age=60");
      res.end("<p>not here</p>");
    });
    const response = await get("/api/files/missing.html");
    expect(response.status).toBe(404);
    expect(response.headers["content-security-policy"]).toBeUndefined();
    expect(response.headers["cache-control"]).toBe("max-age=60");
    expect(response.body).toBe("<p>not here</p>");
    upstream.respondWith((req, res) => res.end(JSON.stringify({ url: req.url })));
  });
});
