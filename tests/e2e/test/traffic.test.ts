// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${identity.sub} templates are what the config holds
// Traffic rules through the whole stack: client → edge (wrangler dev, workerd) → central (Node) →
// recording services on real sockets. Transforms and the envelope, split routing by header and by
// the country the edge signs, API versions with Deprecation/Sunset.
import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createIdentityVerifier } from "@gateway/identity";
import { IDENTITY_HEADER } from "@gateway/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningStack } from "../../../scripts/stack.ts";
import { mintToken, startTestStack } from "./support.ts";

interface Seen {
  service: string;
  method: string;
  url: string;
  headers: Record<string, string>;
}

/** A service that answers every request with what it received, as JSON. */
async function recordingService(
  name: string,
): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const record: Seen = {
      service: name,
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers as Record<string, string>,
    };
    seen.push(record);
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.setHeader("x-internal", "secret");
      res.end(JSON.stringify(record));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let stack: RunningStack;
let output: string[];
let services: Record<"a" | "b" | "c", Awaited<ReturnType<typeof recordingService>>>;

function configYaml(): string {
  return `
version: 1
jwt:
  issuers:
    - name: dev
      issuer: https://dev-issuer.gateway.local
      jwksUrl: \${DEV_JWKS_URL}
      audiences: [gateway-api]
      algorithms: [ES256]
routes:
  - name: shaped
    path: /api/shaped
    upstream: ${services.a.url}
    rewrite: /shaped
    transform:
      request:
        headers:
          set: { X-Caller: "\${identity.sub}", X-Scopes: "\${identity.scopes}", X-Country: "\${client.country}", X-Req: "\${request.id}" }
          remove: [X-Debug]
        query: { rename: { q: search }, remove: [debug] }
      response:
        headers: { set: { X-Shaped: "yes" }, remove: [X-Internal] }
        envelope: true
  - name: shop
    path: /api/shop
    split:
      variants:
        - { name: stable, upstream: ${services.a.url}, weight: 95 }
        - { name: canary, upstream: ${services.b.url}, weight: 5, match: { headers: { x-canary: "1" } } }
        - { name: eu, upstream: ${services.c.url}, match: { continents: [EU] } }
  - name: orders-v1
    path: /v1/orders
    upstream: ${services.a.url}
    rewrite: /orders
    deprecation: { since: 2026-01-31, sunset: "2026-07-01T00:00:00Z", link: "https://docs.example.com/orders/v2" }
  - name: orders-v2
    path: /v2/orders
    upstream: ${services.b.url}
    rewrite: /orders
`;
}

beforeAll(async () => {
  const [a, b, c] = await Promise.all([recordingService("a"), recordingService("b"), recordingService("c")]);
  services = { a, b, c };
  const file = join(mkdtempSync(join(tmpdir(), "gw-e2e-traffic-")), "gateway.config.yaml");
  writeFileSync(file, configYaml());
  ({ stack, output } = await startTestStack(file));
});

afterAll(async () => {
  await stack?.stop();
  await Promise.all(Object.values(services ?? {}).map((service) => service.close()));
});

/**
 * The client's location as Cloudflare would put it in request.cf: the local runtime (Miniflare's
 * entry worker under wrangler dev) takes request.cf from this header, so the edge reads
 * `request.cf.country` exactly as in production.
 */
function located(country: string, continent: string): Record<string, string> {
  return { "mf-cf-blob": JSON.stringify({ country, continent }) };
}

async function get(path: string, headers: Record<string, string> = {}, sub = "alice") {
  const token = await mintToken(stack, { sub, scopes: ["orders:read", "orders:write"] });
  return fetch(`${stack.urls.edge}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
}

describe("transforms through edge and central", () => {
  it("the service sees headers from the verified identity, request id and country; renamed query; the client gets an envelope", async () => {
    const response = await get("/api/shaped/items?q=shoes&debug=1&page=2", {
      "x-request-id": "e2e-shaped-1",
      "x-debug": "1",
      "x-caller": "mallory",
      ...located("DE", "EU"),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-shaped")).toBe("yes");
    expect(response.headers.get("x-internal")).toBeNull();
    const text = await response.text();
    // (Content-Length is checked at central, test/traffic/transform.test.ts: the local edge may re-frame.)
    const body = JSON.parse(text) as { data: Seen; requestId: string };
    expect(body.requestId).toBe("e2e-shaped-1");
    expect(body.data.service).toBe("a");
    expect(body.data.url).toBe("/shaped/items?search=shoes&page=2");
    expect(body.data.headers).toMatchObject({
      "x-caller": "alice",
      "x-scopes": "orders:read,orders:write",
      "x-country": "DE",
      "x-req": "e2e-shaped-1",
    });
    expect(body.data.headers["x-debug"]).toBeUndefined();
    // The service token binds what the service received and carries the country the edge signed.
    const verifier = await createIdentityVerifier({
      publicKeys: { keys: [stack.keys.central.publicJwk] },
      audience: "shaped",
      issuers: ["central"],
      clockSkewSeconds: 5,
    });
    const verified = await verifier.verify(body.data.headers[IDENTITY_HEADER], {
      method: "GET",
      pathAndQuery: body.data.url,
    });
    if (!verified.ok) throw new Error(verified.message);
    expect(verified.claims).toMatchObject({ sub: "alice", country: "DE", continent: "EU" });
  });
});

describe("split routing through edge and central", () => {
  it("x-canary: 1 always reaches the canary group and the service is told; a client cannot pick a variant", async () => {
    for (let i = 0; i < 5; i++) {
      const response = await get("/api/shop/cart", { "x-canary": "1", "x-request-id": `e2e-canary-${i}` });
      const seen = (await response.json()) as Seen;
      expect(seen.service).toBe("b");
      expect(seen.headers["x-gateway-variant"]).toBe("canary");
    }
    await expect
      .poll(() =>
        output.find((line) => line.startsWith("central:") && line.includes('"requestId":"e2e-canary-0"')),
      )
      .toMatch(/"variant":"canary"/);
    const forged = (await (await get("/api/shop/cart", { "x-gateway-variant": "eu" })).json()) as Seen;
    expect(["a", "b"]).toContain(forged.service);
    expect(forged.headers["x-gateway-variant"]).toBe(forged.service === "a" ? "stable" : "canary");
  });

  it("request.cf.country/continent, signed by the edge, pick the eu group at central; other continents follow the weights", async () => {
    for (const country of ["DE", "FR"]) {
      const seen = (await (await get("/api/shop/cart", located(country, "EU"))).json()) as Seen;
      expect(seen.service).toBe("c");
      expect(seen.headers["x-gateway-variant"]).toBe("eu");
    }
    const us = (await (await get("/api/shop/cart", located("US", "NA"))).json()) as Seen;
    expect(["a", "b"]).toContain(us.service);
  });
});

describe("API versions", () => {
  it("/v1 and /v2 reach different services; only v1 announces Deprecation, Sunset and its Link", async () => {
    const v1 = await get("/v1/orders/42");
    expect(v1.status).toBe(200);
    expect(((await v1.json()) as Seen).service).toBe("a");
    expect(v1.headers.get("deprecation")).toBe("@1769817600");
    expect(v1.headers.get("sunset")).toBe("Wed, 01 Jul 2026 00:00:00 GMT");
    expect(v1.headers.get("link")).toBe('<https://docs.example.com/orders/v2>; rel="deprecation"');
    const seenV1 = services.a.seen.at(-1);
    expect(seenV1?.url).toBe("/orders/42");

    const v2 = await get("/v2/orders/42");
    const seenV2 = (await v2.json()) as Seen;
    expect(seenV2.service).toBe("b");
    expect(seenV2.url).toBe("/orders/42");
    expect(v2.headers.get("deprecation")).toBeNull();
    expect(v2.headers.get("sunset")).toBeNull();
    // Refusals after routing carry the headers too.
    const unauthenticated = await fetch(`${stack.urls.edge}/v1/orders/42`);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("deprecation")).toBe("@1769817600");
  });
});
