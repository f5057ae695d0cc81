import type http from "node:http";
import net from "node:net";
import { IDENTITY_HEADER } from "@gateway/types";
import { afterEach, describe, expect, it } from "vitest";
import { useCentralWithUpstream } from "./support/central-with-upstream.ts";
import type { CentralUnderTest } from "./support/harness.ts";
import { bodyOf, rawRequest, statusLine } from "./support/raw-http.ts";
import type { RecordingUpstream } from "./support/upstream.ts";

let upstream: RecordingUpstream;
let central: CentralUnderTest;
useCentralWithUpstream((started) => {
  ({ upstream, central } = started);
});

// Whatever the previous test did to the connection, the server must still answer.
afterEach(async () => {
  const response = await fetch(`${central.url}/healthz`);
  expect(response.status).toBe(200);
  upstream.respondWith((req, res) => res.end(JSON.stringify({ method: req.method, url: req.url })));
});

function errorCodeOf(response: string): string | undefined {
  const body = bodyOf(response);
  return body.startsWith("{") ? (JSON.parse(body) as { error: { code: string } }).error.code : undefined;
}

async function signedHead(method: string, target: string, extra = ""): Promise<string> {
  const token = await central.mint(method, target);
  return `${method} ${target} HTTP/1.1\r\nHost: central\r\n${IDENTITY_HEADER}: ${token}\r\n${extra}`;
}

describe("malformed and hostile requests", () => {
  it("malformed request line → 400 JSON with Connection: close", async () => {
    const response = await rawRequest(central.port, "GARBAGE\r\n\r\n");
    expect(statusLine(response)).toBe("HTTP/1.1 400 Bad Request");
    expect(response).toMatch(/\r\nConnection: close\r\n/i);
    expect(errorCodeOf(response)).toBe("bad_request");
  });

  it("absolute-form target → 400, never an open proxy", async () => {
    const response = await rawRequest(
      central.port,
      "GET http://evil.example/ HTTP/1.1\r\nHost: evil.example\r\n\r\n",
    );
    expect(statusLine(response)).toBe("HTTP/1.1 400 Bad Request");
    expect(errorCodeOf(response)).toBe("bad_request");
  });

  it("asterisk-form target → 400", async () => {
    const response = await rawRequest(central.port, "OPTIONS * HTTP/1.1\r\nHost: central\r\n\r\n");
    expect(statusLine(response)).toBe("HTTP/1.1 400 Bad Request");
  });

  it("CONNECT → 400, never a tunnel", async () => {
    const response = await rawRequest(
      central.port,
      "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n",
    );
    expect(statusLine(response)).toBe("HTTP/1.1 400 Bad Request");
    expect(errorCodeOf(response)).toBe("bad_request");
  });

  it("protocol upgrade → 400", async () => {
    const response = await rawRequest(
      central.port,
      await signedHead("GET", "/api/users", "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n"),
    );
    expect(statusLine(response)).toBe("HTTP/1.1 400 Bad Request");
    expect(upstream.requests.some((r) => r.headers.upgrade !== undefined)).toBe(false);
  });

  it("missing Host → 400", async () => {
    const response = await rawRequest(central.port, "GET /healthz HTTP/1.1\r\n\r\n");
    expect(statusLine(response)).toBe("HTTP/1.1 400 Bad Request");
  });

  it("Content-Length together with Transfer-Encoding (smuggling) → 400", async () => {
    const response = await rawRequest(
      central.port,
      await signedHead(
        "POST",
        "/api/users",
        "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      ),
    );
    expect(statusLine(response)).toBe("HTTP/1.1 400 Bad Request");
  });

  it("headers larger than maxHeaderBytes → 431", async () => {
    const response = await rawRequest(
      central.port,
      `GET /healthz HTTP/1.1\r\nHost: c\r\nX-Big: ${"a".repeat(9000)}\r\n\r\n`,
    );
    expect(statusLine(response)).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    expect(errorCodeOf(response)).toBe("headers_too_large");
  });

  it("more headers than maxHeaderCount → 431", async () => {
    const many = Array.from({ length: 60 }, (_, i) => `X-H${i}: ${i}\r\n`).join("");
    const response = await rawRequest(
      central.port,
      `GET /healthz HTTP/1.1\r\nHost: c\r\nConnection: close\r\n${many}\r\n`,
    );
    expect(statusLine(response)).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    expect(errorCodeOf(response)).toBe("headers_too_large");
  });

  it("a target longer than maxUrlLength → 414", async () => {
    const response = await rawRequest(
      central.port,
      `GET /${"a".repeat(3000)} HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n`,
    );
    expect(statusLine(response)).toBe("HTTP/1.1 414 URI Too Long");
  });
});

describe("awkward but legal requests", () => {
  it("a client Trailer header and chunked trailers are accepted and not forwarded", async () => {
    const response = await rawRequest(
      central.port,
      `${await signedHead(
        "POST",
        "/api/users",
        "Trailer: X-Checksum\r\nTE: trailers\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
      )}5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n`,
    );
    expect(statusLine(response)).toBe("HTTP/1.1 200 OK");
    const received = upstream.requests.at(-1);
    expect(received?.body.toString()).toBe("hello");
    expect(received?.headers.trailer).toBeUndefined();
    expect(received?.headers.te).toBeUndefined();
  });

  it("Expect: 100-continue is answered by central, not forwarded", async () => {
    const response = await rawRequest(
      central.port,
      `${await signedHead(
        "POST",
        "/api/users",
        "Expect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n",
      )}hi`,
    );
    expect(response.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")).toBe(true);
    expect(upstream.requests.at(-1)?.headers.expect).toBeUndefined();
    expect(upstream.requests.at(-1)?.body.toString()).toBe("hi");
  });
});

describe("clients that go away", () => {
  it("mid-body: no crash, the upstream request is aborted", async () => {
    upstream.respondWith(() => {});
    const upstreamRequest = new Promise<http.IncomingMessage>((resolve) =>
      upstream.server.once("request", resolve),
    );
    const socket = net.connect(central.port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write(
      `${await signedHead("POST", "/api/users", "Content-Length: 1000\r\n\r\n")}${"x".repeat(100)}`,
    );
    const received = await upstreamRequest;
    const upstreamGone = new Promise<void>((resolve) => received.once("close", () => resolve()));
    socket.destroy();
    await upstreamGone;
    expect(received.complete).toBe(false);
  });

  it("mid-response: no crash, the upstream response is dropped", async () => {
    let upstreamClosed = false;
    upstream.respondWith((_req, res) => {
      res.on("close", () => {
        upstreamClosed = true;
      });
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first chunk");
      // never ends on its own
    });
    const socket = net.connect(central.port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write(`${await signedHead("GET", "/api/users/stream", "\r\n")}`);
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    socket.destroy();
    for (let i = 0; i < 100 && !upstreamClosed; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(upstreamClosed).toBe(true);
  });
});
