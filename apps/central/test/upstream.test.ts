import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { IDENTITY_HEADER } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { useCentralWithUpstream } from "./support/central-with-upstream.ts";
import { testConfigYaml } from "./support/config.ts";
import { type CentralUnderTest, startCentral } from "./support/harness.ts";
import { rawRequest, statusLine } from "./support/raw-http.ts";
import type { RecordingUpstream } from "./support/upstream.ts";

let upstream: RecordingUpstream;
let central: CentralUnderTest;
useCentralWithUpstream((started) => {
  ({ upstream, central } = started);
});

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe("body limits", () => {
  it("413 for a Content-Length over the route limit, before the upstream is contacted", async () => {
    const before = upstream.requests.length;
    const target = "/api/small";
    const response = await fetch(central.url + target, {
      method: "POST",
      headers: { [IDENTITY_HEADER]: await central.mint("POST", target) },
      body: "x".repeat(17),
    });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe("payload_too_large");
    expect(response.headers.get("connection")).toBe("close");
    expect(upstream.requests.length).toBe(before);
  });

  it("a body at the limit passes", async () => {
    const target = "/api/small";
    const response = await fetch(central.url + target, {
      method: "POST",
      headers: { [IDENTITY_HEADER]: await central.mint("POST", target) },
      body: "x".repeat(16),
    });
    expect(response.status).toBe(200);
    expect(upstream.requests.at(-1)?.body.toString()).toBe("x".repeat(16));
  });

  it("413 for a chunked body that grows past the limit; the upstream request is aborted", async () => {
    const target = "/api/small";
    const token = await central.mint("POST", target);
    const before = upstream.requests.length;
    const response = await rawRequest(
      central.port,
      `POST ${target} HTTP/1.1\r\nHost: x\r\n${IDENTITY_HEADER}: ${token}\r\nTransfer-Encoding: chunked\r\n\r\n` +
        "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n",
    );
    expect(statusLine(response)).toBe("HTTP/1.1 413 Payload Too Large");
    expect(response).toContain('"code":"payload_too_large"');
    // The upstream never saw a complete (oversized) request.
    expect(upstream.requests.slice(before).every((r) => r.body.length <= 16)).toBe(true);
  });
});

describe("a chunked body over the limit after the upstream already answered", () => {
  it("cuts the response (it cannot be replaced by a 413)", async () => {
    upstream.respondWith(() => {});
    upstream.server.once("request", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("early ");
    });
    const target = "/api/small";
    const token = await central.mint("POST", target);
    const socket = net.connect(central.port, "127.0.0.1");
    socket.on("error", () => {});
    let received = "";
    const firstBytes = new Promise<void>((resolve) => socket.once("data", () => resolve()));
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
    });
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write(
      `POST ${target} HTTP/1.1\r\nHost: x\r\n${IDENTITY_HEADER}: ${token}\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n`,
    );
    await firstBytes;
    socket.write("a\r\n0123456789\r\n");
    await closed;
    expect(statusLine(received)).toBe("HTTP/1.1 200 OK");
    expect(received).toContain("early ");
    // Truncated: the chunked response never got its terminating zero-length chunk.
    expect(received.endsWith("0\r\n\r\n")).toBe(false);
    upstream.respondWith((req, res) => res.end(JSON.stringify({ method: req.method, url: req.url })));
  });
});

describe("a service that answers before the upload ends", () => {
  it("its 413 reaches the client, and the route's next request is answered (nothing stuck or reset)", async () => {
    // A service that never reads a POST body: it answers on the request head.
    const service = http.createServer((req, res) => {
      if (req.method === "POST") {
        res.writeHead(413, { "content-type": "application/json" });
        res.end('{"error":"too large"}');
        return;
      }
      res.end("{}");
    });
    await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
    const servicePort = (service.address() as AddressInfo).port;
    // Uploads far larger than the socket buffers: central is still sending when the service answers.
    const yaml = testConfigYaml({
      upstream: `http://127.0.0.1:${servicePort}`,
      downUpstream: "http://127.0.0.1:9",
    })
      .replace("maxBodyBytes: 1048576", "maxBodyBytes: 16777216")
      .replace("rewrite: /users\n", "rewrite: /users\n    maxBodyBytes: 16777216\n");
    const bulk = await startCentral({ yaml });
    try {
      const chunk = Buffer.alloc(64 * 1024, 120);
      for (let round = 0; round < 3; round++) {
        const target = "/api/users";
        // Chunked (no declared length), as the edge sends a streamed body.
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < 128; i++) controller.enqueue(chunk);
            controller.close();
          },
        });
        const refused = await fetch(bulk.url + target, {
          method: "POST",
          headers: { [IDENTITY_HEADER]: await bulk.mint("POST", target) },
          body,
          duplex: "half",
        } as RequestInit);
        expect(refused.status).toBe(413);
        expect(refused.headers.get("proxy-status")).toBeNull();
        await refused.arrayBuffer();
        const next = await fetch(`${bulk.url}/api/users/after`, {
          headers: { [IDENTITY_HEADER]: await bulk.mint("GET", "/api/users/after") },
        });
        expect(next.status).toBe(200);
        await next.arrayBuffer();
      }
    } finally {
      await bulk.close();
      await new Promise((resolve) => service.close(resolve));
    }
  });
});

describe("upstream failures", () => {
  it("502 upstream_error when nothing listens", async () => {
    const target = "/api/down";
    const response = await fetch(central.url + target, {
      headers: { [IDENTITY_HEADER]: await central.mint("GET", target) },
    });
    expect(response.status).toBe(502);
    expect(await errorOf(response)).toMatchObject({
      code: "upstream_error",
      message: "upstream is unreachable",
    });
  });

  it("502 when the upstream resets the connection before answering", async () => {
    upstream.respondWith((req) => req.socket.destroy());
    try {
      const target = "/api/users/reset";
      const response = await fetch(central.url + target, {
        headers: { [IDENTITY_HEADER]: await central.mint("GET", target) },
      });
      expect(response.status).toBe(502);
      expect((await errorOf(response)).code).toBe("upstream_error");
    } finally {
      upstream.respondWith((req, res) => res.end(JSON.stringify({ method: req.method, url: req.url })));
    }
  });

  it("504 upstream_timeout when the upstream is slower than the route's timeoutMs", async () => {
    let upstreamSawClose = false;
    upstream.respondWith((_req, res) => {
      res.on("close", () => {
        upstreamSawClose = true;
      });
      setTimeout(() => res.end("too late"), 1500).unref();
    });
    try {
      const target = "/api/slow";
      const started = Date.now();
      const response = await fetch(central.url + target, {
        headers: { [IDENTITY_HEADER]: await central.mint("GET", target) },
      });
      expect(response.status).toBe(504);
      expect((await errorOf(response)).code).toBe("upstream_timeout");
      expect(Date.now() - started).toBeLessThan(1200);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(upstreamSawClose).toBe(true);
    } finally {
      upstream.respondWith((req, res) => res.end(JSON.stringify({ method: req.method, url: req.url })));
    }
  });

  it("reuses keep-alive sockets to the upstream", async () => {
    const before = upstream.connections();
    for (let i = 0; i < 8; i++) {
      const target = `/api/users/k${i}`;
      const response = await fetch(central.url + target, {
        headers: { [IDENTITY_HEADER]: await central.mint("GET", target) },
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    expect(upstream.connections() - before).toBeLessThanOrEqual(2);
  });
});
