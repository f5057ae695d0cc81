import { afterEach, describe, expect, it } from "vitest";
import type { SecureCentral } from "./support/central.ts";
import { errorCode, sendRaw } from "./support/raw.ts";
import { useSecureCentralWithUpstream } from "./support/secure-central-with-upstream.ts";
import { attack, expectStillServing, signedHead } from "./support/suite.ts";
import type { WatchedUpstream } from "./support/upstream.ts";

let upstream: WatchedUpstream;
let central: SecureCentral;

useSecureCentralWithUpstream((started) => {
  ({ upstream, central } = started);
});
afterEach(async () => {
  upstream.respondWith((req, res) => res.end(JSON.stringify({ url: req.url })));
  await expectStillServing(central);
});

async function get(target: string, extraHeaders: string) {
  const head = await signedHead(central, "GET", target, `${extraHeaders}Connection: close\r\n`);
  return sendRaw(central.port, `${head}\r\n`);
}

describe("hop-by-hop headers are removed in both directions", () => {
  it("request: Connection-named, Keep-Alive, TE, Trailer, Proxy-* never reach the upstream", async () => {
    const head = await signedHead(
      central,
      "GET",
      "/api/files/hop",
      "Connection: keep-alive, X-Hop-Secret, x-other-hop\r\nX-Hop-Secret: 1\r\nX-Other-Hop: 2\r\n" +
        "Keep-Alive: timeout=99\r\nTE: trailers, gzip\r\nTrailer: X-Sum\r\n" +
        "Proxy-Authorization: Basic YTpi\r\nProxy-Connection: keep-alive\r\nX-End-To-End: kept\r\n",
    );
    const response = await sendRaw(central.port, `${head}\r\n`, { timeoutMs: 1000 });
    expect(response.statusLine).toBe("HTTP/1.1 200 OK");
    const seen = upstream.requests.at(-1)?.headers ?? {};
    for (const name of [
      "x-hop-secret",
      "x-other-hop",
      "keep-alive",
      "te",
      "trailer",
      "proxy-authorization",
      "proxy-connection",
    ]) {
      expect(seen[name], name).toBeUndefined();
    }
    expect(seen["x-end-to-end"]).toBe("kept");
  });

  it("response: Connection-named, Keep-Alive, Trailer, Upgrade, Proxy-Authenticate never reach the client", async () => {
    upstream.respondWith((_req, res) => {
      res.setHeader("connection", "X-Upstream-Hop");
      res.setHeader("x-upstream-hop", "internal");
      res.setHeader("keep-alive", "timeout=1");
      res.setHeader("proxy-authenticate", "Basic");
      res.setHeader("upgrade", "h2c");
      res.setHeader("trailer", "X-Checksum");
      res.setHeader("x-end-to-end", "kept");
      res.write("body");
      res.addTrailers({ "x-checksum": "abc" });
      res.end();
    });
    const response = await get("/api/files/hop", "TE: trailers\r\n");
    expect(response.statusLine).toBe("HTTP/1.1 200 OK");
    for (const name of ["x-upstream-hop", "keep-alive", "proxy-authenticate", "upgrade", "trailer"]) {
      expect(response.headers[name], name).toBeUndefined();
    }
    expect(response.text).not.toContain("x-checksum");
    expect(response.headers["x-end-to-end"]).toBe("kept");
  });
});

describe("identity and forwarding headers from clients are never trusted", () => {
  it("x-user-*, forwarded, x-forwarded-*, x-real-ip, method overrides are replaced or removed", async () => {
    const response = await get(
      "/api/files/who",
      "X-User-Id: mallory\r\nX-User-Roles: admin\r\nX-User-Scopes: admin:all\r\nForwarded: for=1.2.3.4;proto=https\r\n" +
        "X-Forwarded-For: 1.2.3.4\r\nX-Forwarded-Host: evil.example/admin\r\nX-Forwarded-Proto: javascript\r\n" +
        "X-Forwarded-Port: 1\r\nX-Forwarded-Prefix: /admin\r\nX-Real-IP: 1.2.3.4\r\nX-Original-URL: /admin\r\n" +
        "X-HTTP-Method-Override: DELETE\r\nX-Gateway-Anything: x\r\nX-Consumer-Id: c\r\nX-Auth-User: a\r\n",
    );
    expect(response.statusLine).toBe("HTTP/1.1 200 OK");
    const seen = upstream.requests.at(-1)?.headers ?? {};
    expect(seen["x-user-id"]).toBe("alice");
    expect(seen["x-user-roles"]).toBe("user");
    expect(seen["x-user-scopes"]).toBe("users:read");
    expect(seen["x-forwarded-for"]).toBe("203.0.113.7");
    for (const name of [
      "forwarded",
      "x-forwarded-port",
      "x-forwarded-prefix",
      "x-real-ip",
      "x-original-url",
      "x-http-method-override",
      "x-gateway-anything",
      "x-consumer-id",
      "x-auth-user",
    ]) {
      expect(seen[name], name).toBeUndefined();
    }
    // X-Forwarded-Host/Proto come only from the token's signed xfh/xfp claims; this token has none.
    expect(seen["x-forwarded-host"]).toBeUndefined();
    expect(seen["x-forwarded-proto"]).toBeUndefined();
    expect(upstream.requests.at(-1)?.method).toBe("GET");
  });

  it("a second identity header → 401, nothing forwarded", async () => {
    const head = await signedHead(central, "GET", "/api/files/x", "X-Gateway-Identity: forged\r\n");
    const response = await attack(central, upstream, `${head}Connection: close\r\n\r\n`);
    expect(response.status).toBe(401);
  });

  it("a token signed for another target does not unlock this one", async () => {
    const token = await central.mint("GET", "/api/public/x");
    const response = await attack(
      central,
      upstream,
      `GET /api/files/x HTTP/1.1\r\nHost: c\r\nX-Gateway-Identity: ${token}\r\nConnection: close\r\n\r\n`,
    );
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe("invalid_identity");
  });
});

describe("header size and count limits", () => {
  it("one header over maxHeaderBytes → 431, nothing forwarded", async () => {
    const head = await signedHead(central, "GET", "/api/files/x", `X-Big: ${"a".repeat(9000)}\r\n`);
    const response = await attack(central, upstream, `${head}\r\n`);
    expect(response.statusLine).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    expect(response.headers.connection).toBe("close");
  });

  it("many small headers adding up over maxHeaderBytes → 431", async () => {
    const many = Array.from({ length: 45 }, (_, i) => `X-H${i}: ${"b".repeat(190)}\r\n`).join("");
    const response = await attack(
      central,
      upstream,
      `${await signedHead(central, "GET", "/api/files/x", many)}\r\n`,
    );
    expect(response.statusLine).toBe("HTTP/1.1 431 Request Header Fields Too Large");
  });

  it("more header lines than maxHeaderCount → 431 JSON, connection closed", async () => {
    const many = Array.from({ length: 60 }, (_, i) => `X-H${i}: v\r\n`).join("");
    const response = await attack(
      central,
      upstream,
      `${await signedHead(central, "GET", "/api/files/x", many)}\r\n`,
    );
    expect(response.statusLine).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    expect(errorCode(response)).toBe("headers_too_large");
    expect(response.headers.connection).toBe("close");
  });
});
