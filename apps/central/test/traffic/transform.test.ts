// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${identity.sub} templates are what the config holds
import { IDENTITY_HEADER } from "@gateway/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfigPreambleYaml } from "../support/config.ts";
import { type CentralUnderTest, startCentral } from "../support/harness.ts";
import { nodeRequest } from "../support/node-request.ts";
import { type RecordingUpstream, startUpstream } from "../support/upstream.ts";

let upstream: RecordingUpstream;
let central: CentralUnderTest;

beforeAll(async () => {
  upstream = await startUpstream();
  central = await startCentral({
    yaml: `${testConfigPreambleYaml({ replayProtection: false })}
routes:
  - name: shaped
    path: /api/shaped
    upstream: ${upstream.url}
    transform:
      request:
        headers:
          remove: [X-Debug]
          set:
            X-Caller: "\${identity.sub}"
            X-Who: "\${identity.auth}:\${identity.scopes} via \${route.name} #\${request.id} from \${client.ip}/\${client.country}/\${client.continent}"
            X-Tenant: "\${identity.tenant}"
          add: { X-Tags: gateway, Cookie: "gw=1" }
        query:
          rename: { q: search }
          remove: [debug]
      response:
        headers:
          remove: [Server]
          set: { Cache-Control: no-store }
          add: { Vary: X-Caller }
        envelope: { maxBodyBytes: 64 }
  - name: plain
    path: /api/plain
    upstream: ${upstream.url}
`,
  });
});

afterAll(async () => {
  await central?.close();
  await upstream?.close();
});

async function call(
  target: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    identity?: Parameters<CentralUnderTest["mint"]>[2];
  } = {},
) {
  const method = opts.method ?? "GET";
  return nodeRequest(central.url + target, {
    method,
    headers: { [IDENTITY_HEADER]: await central.mint(method, target, opts.identity), ...opts.headers },
  });
}

describe("request transforms (central → service)", () => {
  it("removes, sets (with the verified identity, request id, client IP and country) and appends headers; renames and drops query parameters", async () => {
    const response = await call("/api/shaped/items?q=shoes&debug=1&page=2&q=boots", {
      headers: {
        "x-debug": "1",
        "x-tags": "client",
        "x-tenant": "forged",
        cookie: "a=b",
        "x-request-id": "req-77",
      },
      identity: { sub: "alice", scopes: ["a", "b"], country: "DE", continent: "EU", cip: "198.51.100.4" },
    });
    expect(response.status).toBe(200);
    const seen = upstream.requests.at(-1);
    expect(seen?.url).toBe("/api/shaped/items?search=shoes&page=2&search=boots");
    expect(seen?.headers["x-debug"]).toBeUndefined();
    expect(seen?.headers["x-caller"]).toBe("alice");
    expect(seen?.headers["x-who"]).toBe("jwt:a,b via shaped #req-77 from 198.51.100.4/DE/EU");
    // No tenant: the value renders empty and the header is not sent, the client's copy included.
    expect(seen?.headers["x-tenant"]).toBeUndefined();
    expect(seen?.headers["x-tags"]).toBe("client, gateway");
    expect(seen?.headers.cookie).toBe("a=b; gw=1");
    // The service token binds the transformed target, so the service verifies it as received.
    const verifier = await central.serviceVerifier("shaped");
    const verified = await verifier.verify(String(seen?.headers[IDENTITY_HEADER]), {
      method: "GET",
      pathAndQuery: seen?.url ?? "",
    });
    expect(verified.ok).toBe(true);
    if (verified.ok) expect(verified.claims).toMatchObject({ sub: "alice", country: "DE", continent: "EU" });
  });

  it("a claim with a control character is never sent as a header value", async () => {
    await call("/api/shaped/x", { identity: { sub: "evil\u0007" } });
    expect(upstream.requests.at(-1)?.headers["x-caller"]).toBeUndefined();
  });

  it("routes without a transform are untouched", async () => {
    await call("/api/plain/x?q=1&debug=1", { headers: { "x-debug": "1" } });
    const seen = upstream.requests.at(-1);
    expect(seen?.url).toBe("/api/plain/x?q=1&debug=1");
    expect(seen?.headers["x-debug"]).toBe("1");
  });
});

describe("response transforms and the JSON envelope", () => {
  it("wraps a small application/json body as { data, requestId } with a fixed Content-Length and a weak ETag", async () => {
    upstream.respondWith((_req, res) => {
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.setHeader("server", "upstream/1.0");
      res.setHeader("etag", '"v1"');
      res.setHeader("content-digest", "sha-256=:abc=:");
      res.end('{"id":9007199254740993,"tags":["x"]}');
    });
    const response = await call("/api/shaped/one", { headers: { "x-request-id": "req-env-1" } });
    expect(response.status).toBe(200);
    expect(response.body).toBe('{"data":{"id":9007199254740993,"tags":["x"]},"requestId":"req-env-1"}');
    expect(Number(response.headers["content-length"])).toBe(Buffer.byteLength(response.body));
    expect(response.headers.etag).toBe('W/"v1"');
    expect(response.headers["content-digest"]).toBeUndefined();
    expect(response.headers.server).toBeUndefined();
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers.vary).toBe("X-Caller");
    expect(response.headers["x-request-id"]).toBe("req-env-1");
  });

  it("a chunked JSON body is collected and wrapped too", async () => {
    upstream.respondWith((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.write('{"a":');
      res.end("1}");
    });
    const response = await call("/api/shaped/chunked", { headers: { "x-request-id": "req-env-2" } });
    expect(JSON.parse(response.body)).toEqual({ data: { a: 1 }, requestId: "req-env-2" });
    expect(response.headers["transfer-encoding"]).toBeUndefined();
    expect(Number(response.headers["content-length"])).toBe(Buffer.byteLength(response.body));
  });

  it("passes through unchanged: larger bodies (declared or streamed), other types, invalid JSON, errors, 204, 304 and HEAD", async () => {
    const big = JSON.stringify({ text: "x".repeat(100) });
    const cases: Array<[string, (res: import("node:http").ServerResponse) => void, string]> = [
      ["declared", (res) => res.setHeader("content-type", "application/json").end(big), big],
      [
        "streamed",
        (res) => {
          res.setHeader("content-type", "application/json");
          res.write(big.slice(0, 40));
          res.write(big.slice(40, 80));
          res.end(big.slice(80));
        },
        big,
      ],
      ["text", (res) => res.setHeader("content-type", "text/plain").end("[1]"), "[1]"],
      ["problem", (res) => res.setHeader("content-type", "application/problem+json").end("{}"), "{}"],
      ["invalid", (res) => res.setHeader("content-type", "application/json").end("{nope"), "{nope"],
      [
        "error",
        (res) => res.writeHead(404, { "content-type": "application/json" }).end('{"e":1}'),
        '{"e":1}',
      ],
      [
        "gzip",
        (res) =>
          res.setHeader("content-type", "application/json").setHeader("content-encoding", "gzip").end("zz"),
        "zz",
      ],
    ];
    for (const [name, behaviour, body] of cases) {
      upstream.respondWith((_req, res) => behaviour(res));
      const response = await call(`/api/shaped/${name}`);
      expect(response.body, name).toBe(body);
      expect(response.headers["cache-control"], name).toBe("no-store");
    }

    for (const status of [204, 304]) {
      upstream.respondWith((_req, res) =>
        res.writeHead(status, { "content-type": "application/json", etag: '"e"' }).end(),
      );
      const response = await call(`/api/shaped/${status}`);
      expect(response.status).toBe(status);
      expect(response.body).toBe("");
      expect(response.headers.etag).toBe('"e"');
    }

    upstream.respondWith((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.setHeader("content-length", "7");
      res.setHeader("etag", '"h"');
      res.end();
    });
    const head = await call("/api/shaped/head", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers["content-length"]).toBeUndefined();
    expect(head.headers.etag).toBe('W/"h"');
  });

  it("central's own errors on the route get the header rules but no envelope", async () => {
    upstream.respondWith((_req, res) => res.socket?.destroy());
    const response = await call("/api/shaped/broken");
    expect(response.status).toBe(502);
    expect(JSON.parse(response.body).error.code).toBe("upstream_error");
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers.vary).toBe("X-Caller");
  });
});
