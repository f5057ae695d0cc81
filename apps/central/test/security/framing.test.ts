import { afterEach, describe, expect, it } from "vitest";
import type { SecureCentral } from "./support/central.ts";
import { errorCode, sendRaw } from "./support/raw.ts";
import { useSecureCentralWithUpstream } from "./support/secure-central-with-upstream.ts";
import { attack, expectClosed400, expectStillServing, signedHead } from "./support/suite.ts";
import type { WatchedUpstream } from "./support/upstream.ts";

let upstream: WatchedUpstream;
let central: SecureCentral;

useSecureCentralWithUpstream((started) => {
  ({ upstream, central } = started);
});
afterEach(() => expectStillServing(central));

const SMUGGLED = "GET /api/admin/secrets HTTP/1.1\r\nHost: central.internal\r\n\r\n";
const post = (extra: string, body: string) =>
  signedHead(central, "POST", "/api/files/upload", extra).then((head) => `${head}\r\n${body}`);

describe("request framing: ambiguous messages are refused, never re-interpreted", () => {
  it("control: the same signed request with clean framing is forwarded", async () => {
    const response = await sendRaw(
      central.port,
      await post("Transfer-Encoding: chunked\r\nConnection: close\r\n", "3\r\nabc\r\n0\r\n\r\n"),
    );
    expect(response.statusLine).toBe("HTTP/1.1 200 OK");
    expect(upstream.requests.at(-1)?.body.toString()).toBe("abc");
  });

  const cases: Array<[string, string, string]> = [
    [
      "Content-Length + Transfer-Encoding",
      "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
      `0\r\n\r\n${SMUGGLED}`,
    ],
    [
      "Content-Length: 0 + Transfer-Encoding",
      "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n",
      `0\r\n\r\n${SMUGGLED}`,
    ],
    [
      "Transfer-Encoding + Content-Length (reversed)",
      "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n",
      `0\r\n\r\n${SMUGGLED}`,
    ],
    ["duplicate Content-Length, same value", "Content-Length: 3\r\nContent-Length: 3\r\n", "abc"],
    [
      "duplicate Content-Length, different values",
      "Content-Length: 3\r\nContent-Length: 40\r\n",
      `abc${SMUGGLED}`,
    ],
    ["Content-Length list", "Content-Length: 3, 3\r\n", "abc"],
    ["Content-Length with sign", "Content-Length: +3\r\n", "abc"],
    ["Content-Length in hex", "Content-Length: 0x3\r\n", "abc"],
    ["negative Content-Length", "Content-Length: -1\r\n", "abc"],
    ["Content-Length with inner space", "Content-Length: 3 3\r\n", "abc"],
    ["empty Content-Length", "Content-Length: \r\n", "abc"],
    ["overflowing Content-Length", "Content-Length: 99999999999999999999999\r\n", "abc"],
    ["Transfer-Encoding: xchunked", "Transfer-Encoding: xchunked\r\n", `0\r\n\r\n${SMUGGLED}`],
    [
      "Transfer-Encoding: chunked, identity",
      "Transfer-Encoding: chunked, identity\r\n",
      `0\r\n\r\n${SMUGGLED}`,
    ],
    ["Transfer-Encoding: identity", "Transfer-Encoding: identity\r\n", "abc"],
    [
      "Transfer-Encoding: gzip, chunked (coding would be dropped)",
      "Transfer-Encoding: gzip, chunked\r\n",
      "3\r\nabc\r\n0\r\n\r\n",
    ],
    [
      "Transfer-Encoding: identity, chunked",
      "Transfer-Encoding: identity, chunked\r\n",
      "3\r\nabc\r\n0\r\n\r\n",
    ],
    ["Transfer-Encoding: ,chunked", "Transfer-Encoding: ,chunked\r\n", "3\r\nabc\r\n0\r\n\r\n"],
    [
      "Transfer-Encoding split over two lines",
      "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n",
      "3\r\nabc\r\n0\r\n\r\n",
    ],
    [
      "Transfer-Encoding twice",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
      "3\r\nabc\r\n0\r\n\r\n",
    ],
    [
      "Transfer-Encoding: chunked, chunked",
      "Transfer-Encoding: chunked, chunked\r\n",
      "3\r\nabc\r\n0\r\n\r\n",
    ],
    ["space before the colon", "Transfer-Encoding : chunked\r\n", `0\r\n\r\n${SMUGGLED}`],
    ["leading space on the field name", " Transfer-Encoding: chunked\r\n", `0\r\n\r\n${SMUGGLED}`],
    ["vertical tab before the value", "Transfer-Encoding: \x0bchunked\r\n", `0\r\n\r\n${SMUGGLED}`],
    [
      "obs-fold continuation of Transfer-Encoding",
      "Transfer-Encoding: identity\r\n chunked\r\n",
      `0\r\n\r\n${SMUGGLED}`,
    ],
    ["obs-fold continuation of any header", "X-Note: a\r\n\tb\r\nContent-Length: 0\r\n", ""],
    ["bare LF inside the header block", "X-Note: a\nContent-Length: 0\r\n", ""],
    ["bare CR inside the header block", "X-Note: a\rContent-Length: 0\r\n", ""],
    ["NUL in a header value", "X-Note: a\x00b\r\nContent-Length: 0\r\n", ""],
    ["control character in a header name", "X\x01Note: a\r\nContent-Length: 0\r\n", ""],
    ["duplicate Host", "Host: other.internal\r\nContent-Length: 0\r\n", ""],
    ["Host carrying a path", "Content-Length: 0\r\n", ""],
  ];

  for (const [name, headers, body] of cases) {
    it(`${name} → JSON 400, connection closed, upstream saw nothing`, async () => {
      // The Host test needs its own head: the shared one already has a valid Host.
      const payload =
        name === "Host carrying a path"
          ? (await post(headers, body)).replace("Host: central.internal", "Host: evil.example/x")
          : await post(headers, body);
      const response = await attack(central, upstream, payload);
      expectClosed400(response, name);
      expect(upstream.requests.some((r) => r.url.startsWith("/admin"))).toBe(false);
    });
  }

  // Errors inside a chunked body are found while the body streams: the request may already be on its
  // way upstream (central does not buffer bodies). It is then aborted: the upstream never receives a
  // complete request, and never the bytes after the error as a request of their own.
  const bodyCases: Array<[string, string, string]> = [
    ["invalid chunk size (not hex)", "Transfer-Encoding: chunked\r\n", "zz\r\nabc\r\n0\r\n\r\n"],
    ["negative chunk size", "Transfer-Encoding: chunked\r\n", "-3\r\nabc\r\n0\r\n\r\n"],
    ["chunk size with 0x prefix", "Transfer-Encoding: chunked\r\n", "0x3\r\nabc\r\n0\r\n\r\n"],
    ["overflowing chunk size", "Transfer-Encoding: chunked\r\n", "fffffffffffffffff1\r\nabc\r\n0\r\n\r\n"],
    ["chunk size with trailing space", "Transfer-Encoding: chunked\r\n", "3 \r\nabc\r\n0\r\n\r\n"],
    ["chunk size with leading space", "Transfer-Encoding: chunked\r\n", " 3\r\nabc\r\n0\r\n\r\n"],
    ["chunk extension ended by bare LF", "Transfer-Encoding: chunked\r\n", "3;x\nabc\r\n0\r\n\r\n"],
    [
      "chunk data longer than its size",
      "Transfer-Encoding: chunked\r\n",
      `3\r\nabcX\r\n0\r\n\r\n${SMUGGLED}`,
    ],
    ["malformed trailer", "Transfer-Encoding: chunked\r\n", "3\r\nabc\r\n0\r\nX-Bad\r\n\r\n"],
  ];
  for (const [name, headers, body] of bodyCases) {
    it(`${name} → JSON 400, connection closed, no complete request upstream`, async () => {
      const completeBefore = upstream.requests.length;
      const response = await sendRaw(central.port, `${await post(headers, `${body}${SMUGGLED}`)}`);
      expectClosed400(response, name);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(upstream.requests.length).toBe(completeBefore);
      expect(upstream.started.some((url) => url.startsWith("/admin"))).toBe(false);
    });
  }

  it("Transfer-Encoding on HTTP/1.0 → 400 (RFC 9112 §6.1: faulty framing)", async () => {
    const head = await signedHead(
      central,
      "POST",
      "/api/files/x",
      "Transfer-Encoding: chunked\r\n",
      "HTTP/1.0",
    );
    expectClosed400(await attack(central, upstream, `${head}\r\n3\r\nabc\r\n0\r\n\r\n`));
  });

  it("bare LF line endings throughout → 400", async () => {
    const head = (await signedHead(central, "GET", "/api/public/x")).replaceAll("\r\n", "\n");
    expectClosed400(await attack(central, upstream, `${head}\n`));
  });

  it("HTTP/0.9-style and HTTP/2 preface → 400", async () => {
    for (const payload of ["GET /api/public/x\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"]) {
      const response = await attack(central, upstream, payload);
      expect(response.statusLine, payload).toBe("HTTP/1.1 400 Bad Request");
      expect(response.closedByServer).toBe(true);
    }
  });

  it("a bad chunk arriving after the request was forwarded aborts it: the upstream never gets a complete request", async () => {
    upstream.respondWith((_req, res) => res.end("should not happen"));
    const completeBefore = upstream.requests.length;
    const response = await sendRaw(
      central.port,
      [await post("Transfer-Encoding: chunked\r\n", "3\r\nabc\r\n"), "zz\r\nsmuggled\r\n0\r\n\r\n"],
      { pauseMs: 300 },
    );
    expect(response.statusLine).toBe("HTTP/1.1 400 Bad Request");
    expect(response.closedByServer).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(upstream.requests.length).toBe(completeBefore);
    upstream.respondWith((req, res) => res.end(JSON.stringify({ url: req.url })));
  });

  it("pipelined requests with exact framing are each routed on their own", async () => {
    const first = await post("Content-Length: 5\r\n", "hello");
    const second = await signedHead(central, "GET", "/api/admin/secrets", "Connection: close\r\n");
    const response = await sendRaw(central.port, `${first}${second}\r\n`);
    expect(response.statusLine).toBe("HTTP/1.1 200 OK");
    expect(response.text).toContain("HTTP/1.1 403 Forbidden");
    expect(upstream.requests.some((r) => r.url.startsWith("/admin"))).toBe(false);
  });
});

describe("targets: never an open proxy, never a tunnel", () => {
  const targets = [
    ["absolute-form", "GET http://evil.example/ HTTP/1.1\r\nHost: evil.example\r\n\r\n"],
    [
      "absolute-form to an internal service",
      "GET http://127.0.0.1:6379/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    ],
    ["authority-form on GET", "GET evil.example:443 HTTP/1.1\r\nHost: evil.example\r\n\r\n"],
    ["asterisk-form", "OPTIONS * HTTP/1.1\r\nHost: central\r\n\r\n"],
    ["CONNECT", "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n"],
    ["CONNECT to an internal port", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n"],
  ] as const;
  for (const [name, payload] of targets) {
    it(`${name} → 400 bad_request`, async () => {
      const response = await attack(central, upstream, payload);
      expect(response.statusLine).toBe("HTTP/1.1 400 Bad Request");
      expect(errorCode(response)).toBe("bad_request");
      expect(response.closedByServer).toBe(true);
    });
  }

  it("absolute-form with a valid token for that exact target is still refused", async () => {
    const target = `http://127.0.0.1:${upstream.port}/public/x`;
    const response = await attack(central, upstream, `${await signedHead(central, "GET", target)}\r\n`);
    expect(response.statusLine).toBe("HTTP/1.1 400 Bad Request");
  });

  it("Upgrade: websocket / h2c → 400, nothing forwarded", async () => {
    for (const upgrade of ["websocket", "h2c"]) {
      const head = await signedHead(
        central,
        "GET",
        "/api/public/ws",
        `Connection: Upgrade\r\nUpgrade: ${upgrade}\r\n`,
      );
      const response = await attack(central, upstream, `${head}\r\n`);
      expect(response.statusLine, upgrade).toBe("HTTP/1.1 400 Bad Request");
    }
  });
});
