import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateHopSecret, type IdentityVerifier } from "@gateway/identity";
import { createNodeHmacIdentityVerifier } from "@gateway/identity/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest, sendRaw } from "./raw-http.ts";
import { type RecordingCentral, type SeenRequest, startRecordingCentral } from "./recording-central.ts";
import { type SelfHostedEdge, startSelfHostedEdge } from "./self-hosted.ts";

/**
 * The self-hosted edge (`workerd serve` of the generated config, as ./gw start-edge runs it), spoken
 * to in raw bytes. Each attack carries a marker; the recording central proves what was forwarded.
 * Where workerd's own parser is lenient the test asserts the safe outcome and docs/scaling.md says so.
 */

let edge: SelfHostedEdge;
let central: RecordingCentral;
let verifier: IdentityVerifier;
let stateDir: string;
const output: string[] = [];

const CONFIG = `
version: 1
limits:
  maxHeaderBytes: 8192
rateLimits:
  edge:
    - { name: do-three, kind: durable_object, limit: 3, windowSeconds: 3600, key: [ip] }
routes:
  - { name: limited, path: /api/limited, auth: public, methods: [GET], upstream: "http://127.0.0.1:9", edgeRateLimit: [do-three] }
  - { name: public, path: /api/public, auth: public, methods: [GET, POST], upstream: "http://127.0.0.1:9" }
  - name: cached
    path: /api/cached
    auth: public
    methods: [GET]
    upstream: "http://127.0.0.1:9"
    cache: { defaultTtlSeconds: 60 }
`;

const HOST: readonly [string, string] = ["Host", "127.0.0.1"];
const CLOSE: readonly [string, string] = ["Connection", "close"];
const smuggled = (marker: string) => `GET /api/public/${marker} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

function seenWith(marker: string): SeenRequest[] {
  return central.seen.filter(
    (request) =>
      request.url.includes(marker) ||
      request.body.includes(marker) ||
      JSON.stringify(request.headers).includes(marker),
  );
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "edge-self-hosted-"));
  const hop = generateHopSecret("edge-self-hosted-test");
  central = await startRecordingCentral();
  verifier = await createNodeHmacIdentityVerifier({
    secretKeys: { keys: [hop] },
    audience: "central",
    issuers: ["edge"],
    clockSkewSeconds: 5,
  });
  edge = await startSelfHostedEdge({
    stateDir,
    configYaml: CONFIG,
    centralUrl: central.origin,
    edgeCentralKeys: { keys: [hop] },
    onOutput: (line) => output.push(line),
  });
}, 60_000);

afterAll(async () => {
  await edge?.stop();
  await central?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("self-hosted edge (workerd serve), raw bytes", () => {
  it("CL + TE: chunked framing wins, the connection closes, the request inside the body is never sent", async () => {
    const inner = smuggled("smuggled-clte");
    const exchange = await sendRaw(
      edge.port,
      rawRequest(
        "POST /api/public/clte HTTP/1.1",
        [HOST, ["Content-Length", String(5 + inner.length)], ["Transfer-Encoding", "chunked"]],
        `0\r\n\r\n${inner}`,
      ),
      1500,
    );
    expect(exchange.statuses).toEqual([200]);
    expect(exchange.text).toMatch(/\r\nConnection: close\r\n/i);
    expect(seenWith("/api/public/clte").map((request) => request.body)).toEqual([""]);
    expect(seenWith("smuggled-clte")).toEqual([]);
  });

  it("TE before CL: chunked framing wins; what the chunk holds stays body data of one request", async () => {
    const inner = smuggled("smuggled-tecl");
    const exchange = await sendRaw(
      edge.port,
      rawRequest(
        "POST /api/public/tecl HTTP/1.1",
        [HOST, ["Transfer-Encoding", "chunked"], ["Content-Length", "4"]],
        `${inner.length.toString(16)}\r\n${inner}\r\n0\r\n\r\n`,
      ),
      1500,
    );
    expect(exchange.statuses).toEqual([200]);
    const seen = seenWith("smuggled-tecl");
    expect(seen.map((request) => [request.url, request.body])).toEqual([["/api/public/tecl", inner]]);
  });

  for (const [label, teLines] of [
    ["chunked, identity", "Transfer-Encoding: chunked, identity\r\n"],
    ["xchunked", "Transfer-Encoding: xchunked\r\n"],
    ["obs-fold", "Transfer-Encoding:\r\n chunked\r\n"],
  ] as const) {
    it(`Transfer-Encoding ${label}: 400, nothing forwarded`, async () => {
      const marker = `smuggled-te-${label.replace(/\W+/g, "-")}`;
      const exchange = await sendRaw(
        edge.port,
        `POST /api/public/te-${marker} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n${teLines}\r\n` +
          `1\r\nX\r\n0\r\n\r\n${smuggled(marker)}`,
        1500,
      );
      expect(exchange.statuses).toEqual([400]);
      expect(seenWith(marker)).toEqual([]);
    });
  }

  it("Transfer-Encoding with leading whitespace is plain chunked (OWS); nothing after the last chunk is sent", async () => {
    const exchange = await sendRaw(
      edge.port,
      "POST /api/public/te-ows HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: \t chunked\r\n\r\n" +
        `0\r\n\r\n${smuggled("smuggled-te-ows")}`,
      1500,
    );
    expect(exchange.statuses).toEqual([200]);
    expect(seenWith("/api/public/te-ows").map((request) => request.body)).toEqual([""]);
    expect(seenWith("smuggled-te-ows")).toEqual([]);
  });

  it("an obs-folded line of any other header: 400, nothing forwarded", async () => {
    const exchange = await sendRaw(
      edge.port,
      "GET /api/public/fold HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\r\n b\r\nConnection: close\r\n\r\n",
    );
    expect(exchange.statuses).toEqual([400]);
    expect(seenWith("/api/public/fold")).toEqual([]);
  });

  it("bare LF line endings are accepted by workerd (RFC 9112 §2.2 allows it): each message is one request, in order", async () => {
    const exchange = await sendRaw(
      edge.port,
      "GET /api/public/barelf-1 HTTP/1.1\nHost: 127.0.0.1\nX-Note: a\n\n" +
        "GET /api/public/barelf-2 HTTP/1.1\r\nHost: 127.0.0.1\nConnection: close\r\n\r\n",
      1500,
    );
    expect(exchange.statuses).toEqual([200, 200]);
    expect(seenWith("/api/public/barelf").map((request) => request.url)).toEqual([
      "/api/public/barelf-1",
      "/api/public/barelf-2",
    ]);
  });

  for (const [label, size] of [
    ["2^64 + 1", "10000000000000001"],
    ["18 hex digits", "FFFFFFFFFFFFFFFFFF"],
  ] as const) {
    it(`chunk size overflow (${label}): 400 bad_request, nothing forwarded`, async () => {
      const marker = `ovf-${size.length}`;
      const exchange = await sendRaw(
        edge.port,
        `POST /api/public/${marker} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n` +
          `${size}\r\nX\r\n0\r\n\r\n${smuggled(`smuggled-${marker}`)}`,
        1500,
      );
      expect(exchange.statuses).toEqual([400]);
      expect(exchange.text).toContain('"code":"bad_request"');
      expect(seenWith(marker)).toEqual([]);
    });
  }

  it("duplicate Host: 400 bad_request, nothing forwarded", async () => {
    const exchange = await sendRaw(
      edge.port,
      rawRequest("GET /api/public/duphost HTTP/1.1", [HOST, ["Host", "evil.example"], CLOSE]),
    );
    expect(exchange.statuses).toEqual([400]);
    expect(exchange.text).toContain('"code":"bad_request"');
    expect(seenWith("duphost")).toEqual([]);
    expect(seenWith("evil.example")).toEqual([]);
  });

  it("no Host on HTTP/1.1: 400, nothing forwarded", async () => {
    const exchange = await sendRaw(edge.port, rawRequest("GET /api/public/nohost HTTP/1.1", [CLOSE]));
    expect(exchange.statuses).toEqual([400]);
    expect(seenWith("nohost")).toEqual([]);
  });

  for (const [label, headers] of [
    [
      "two fields",
      [
        ["Content-Length", "5"],
        ["Content-Length", "60"],
      ],
    ],
    ["a list", [["Content-Length", "5, 60"]]],
  ] as const) {
    it(`Content-Length with different values (${label}): 400, nothing forwarded`, async () => {
      const marker = `dupcl-${label.replace(/\W+/g, "-")}`;
      const exchange = await sendRaw(
        edge.port,
        rawRequest(
          `POST /api/public/${marker} HTTP/1.1`,
          [HOST, ...headers],
          `hello${smuggled(`s-${marker}`)}`,
        ),
        1500,
      );
      expect(exchange.statuses).toEqual([400]);
      expect(seenWith(marker)).toEqual([]);
    });
  }

  it("headers nominated in Connection (and Keep-Alive) are not forwarded", async () => {
    const exchange = await sendRaw(
      edge.port,
      rawRequest("GET /api/public/conn-nominated HTTP/1.1", [
        HOST,
        ["Connection", "close, X-Hop-Secret"],
        ["X-Hop-Secret", "hop-marker-1"],
        ["Keep-Alive", "timeout=5"],
        ["X-End-To-End", "kept"],
      ]),
    );
    expect(exchange.statuses).toEqual([200]);
    const [seen] = seenWith("/api/public/conn-nominated");
    expect(seen?.headers["x-end-to-end"]).toBe("kept");
    expect(seen?.headers["x-hop-secret"]).toBeUndefined();
    expect(seen?.headers["keep-alive"]).toBeUndefined();
    expect(seenWith("hop-marker-1")).toEqual([]);
  });

  for (const bytes of [9000, 200_000]) {
    it(`oversized headers (${bytes} bytes): 431 headers_too_large, nothing forwarded`, async () => {
      const marker = `oversized-${bytes}`;
      const exchange = await sendRaw(
        edge.port,
        rawRequest(`GET /api/public/${marker} HTTP/1.1`, [HOST, CLOSE, ["X-Filler", "a".repeat(bytes)]]),
      );
      expect(exchange.statuses).toEqual([431]);
      expect(exchange.text).toContain('"code":"headers_too_large"');
      expect(seenWith(marker)).toEqual([]);
    });
  }

  it("a client's CF-Connecting-IP is removed: the client IP signed for central is not the spoofed one", async () => {
    const exchange = await sendRaw(
      edge.port,
      rawRequest("GET /api/public/spoofed-ip HTTP/1.1", [HOST, CLOSE, ["CF-Connecting-IP", "203.0.113.66"]]),
    );
    expect(exchange.statuses).toEqual([200]);
    const [seen] = seenWith("/api/public/spoofed-ip");
    expect(JSON.stringify(seen?.headers)).not.toContain("203.0.113.66");
    const verified = await verifier.verify(seen?.headers["x-gateway-identity"] as string, {
      method: "GET",
      pathAndQuery: "/api/public/spoofed-ip",
    });
    expect(verified.ok).toBe(true);
    expect(verified.ok && verified.claims.cip).not.toBe("203.0.113.66");
  });

  it("the Cache API works (in-memory backend): the second GET is a HIT and central sees one request", async () => {
    const first = await fetch(`${edge.origin}/api/cached/item`);
    await first.arrayBuffer();
    const second = await fetch(`${edge.origin}/api/cached/item`);
    await second.arrayBuffer();
    expect([first.headers.get("x-cache"), second.headers.get("x-cache")]).toEqual(["MISS", "HIT"]);
    expect(seenWith("/api/cached/item")).toHaveLength(1);
  });

  it("a durable_object edge limit is exact on the local Durable Object: 3 of 5 pass", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${edge.origin}/api/limited/n${i}`);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(seenWith("/api/limited/")).toHaveLength(3);
  });

  it("Durable Objects keep their state on local disk in the configured folder", () => {
    // The cache's key index and the edge limiter (SQLite-backed Durable Objects) were used above.
    const files = readdirSync(join(stateDir, "durable-objects"), { recursive: true }).map(String);
    expect(files.some((file) => file.endsWith(".sqlite"))).toBe(true);
  });
});
