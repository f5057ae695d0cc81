// Central's side of the service contract: the JWKS endpoint services follow across rotations,
// `serviceToken: reuse`, and other proxies' identity headers never reaching a service.
import type http from "node:http";
import { Writable } from "node:stream";
import { compileCentral, parseConfig } from "@gateway/config";
import {
  createHmacIdentitySigner,
  createIdentityVerifier,
  generateHopSecret,
  generateIdentityKeyPair,
  type IdentityKeyPair,
} from "@gateway/identity";
import { createNodeIdentityVerifier } from "@gateway/identity/node";
import { freePort } from "@gateway/testing";
import { FOREIGN_IDENTITY_HEADERS, IDENTITY_HEADER } from "@gateway/types";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "../src/app.ts";
import { composeCentral } from "../src/composition/index.ts";
import { ALICE, type CentralUnderTest, startCentral } from "./support/harness.ts";
import { type RecordingUpstream, startUpstream } from "./support/upstream.ts";

let upstream: RecordingUpstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream?.close());

function yaml(extra: { identity?: string; route?: string } = {}): string {
  return `version: 1
identity: { ttlSeconds: 30, clockSkewSeconds: 5, replayProtection: false${extra.identity ?? ""} }
jwt:
  issuers:
    - { name: test, issuer: https://issuer.test, jwksUrl: http://127.0.0.1:9/jwks.json, audiences: [api], algorithms: [ES256] }
routes:
  - { name: users, path: /api/users, auth: jwt, upstream: ${upstream.url}, rewrite: /users${extra.route ?? ""} }
  - { name: orders, path: /api/orders, auth: jwt, upstream: ${upstream.url}, rewrite: /orders }
`;
}

async function get(
  central: CentralUnderTest,
  target: string,
  identity = {},
  headers: Record<string, string> = {},
) {
  const response = await fetch(central.url + target, {
    headers: { ...headers, [IDENTITY_HEADER]: await central.mint("GET", target, identity) },
  });
  await response.arrayBuffer();
  const received = upstream.requests.at(-1);
  if (response.status !== 200 || received === undefined) throw new Error(`status ${response.status}`);
  return received;
}

describe("GET /.well-known/gateway-jwks.json", () => {
  let central: CentralUnderTest;
  beforeAll(async () => {
    central = await startCentral({ yaml: yaml(), redis: "none" });
  });
  afterAll(() => central?.close());

  it("serves central's public signing key, never a private component, without an identity token", async () => {
    const response = await fetch(`${central.url}/.well-known/gateway-jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/jwk-set+json");
    const body = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(body.keys).toEqual([{ ...central.centralKeys.publicJwk, alg: "EdDSA", use: "sig" }]);
    expect(JSON.stringify(body)).not.toContain(String(central.centralKeys.privateJwk.d));
    expect((await fetch(`${central.url}/.well-known/gateway-jwks.json`, { method: "HEAD" })).status).toBe(
      200,
    );
    const post = await fetch(`${central.url}/.well-known/gateway-jwks.json`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ error: { code: "method_not_allowed" } });
  });

  it("does not answer a request that came through the edge: it is routed like any other (no route here → 404)", async () => {
    const target = "/.well-known/gateway-jwks.json";
    const response = await fetch(central.url + target, {
      headers: { [IDENTITY_HEADER]: await central.mint("GET", target) },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("a service verifier with jwksUrl verifies the tokens central forwards", async () => {
    const verifier = await createIdentityVerifier({
      jwksUrl: `${central.url}/.well-known/gateway-jwks.json`,
      audience: "users",
    });
    const received = await get(central, "/api/users/1");
    const result = await verifier.verify(received.headers[IDENTITY_HEADER] as string, {
      method: received.method,
      pathAndQuery: received.url,
    });
    expect(result).toMatchObject({ ok: true, claims: { sub: "alice", aud: "users", iss: "central" } });
  });
});

describe("a central key rotation, followed by a service through jwksUrl", () => {
  /** A real central on a fixed port, signing service tokens with `signing` and also publishing `published`. */
  async function centralOn(port: number, signing: IdentityKeyPair, published: IdentityKeyPair[]) {
    const config = compileCentral(parseConfig(yaml(), {}));
    const hop = generateHopSecret("edge-rot");
    const central = await composeCentral(
      config,
      {
        edgeCentralKeys: { keys: [hop] },
        centralPrivateJwk: signing.privateJwk,
        publishedKeys: { keys: published.map((pair) => pair.publicJwk) },
      },
      { logger: pino({ level: "silent" }, new Writable({ write: (_c, _e, cb) => cb() })) },
    );
    const server: http.Server = createServer(central.app, config.limits);
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    const edge = await createHmacIdentitySigner({ secretJwk: hop, issuer: "edge", ttlSeconds: 30 });
    return {
      async forward(target: string) {
        const token = await edge.sign({
          identity: ALICE,
          audience: "central",
          method: "GET",
          pathAndQuery: target,
        });
        const response = await fetch(`http://127.0.0.1:${port}${target}`, {
          headers: { [IDENTITY_HEADER]: token },
        });
        await response.arrayBuffer();
        const received = upstream.requests.at(-1);
        if (received === undefined) throw new Error("nothing forwarded");
        return received;
      },
      async close() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        central.close();
      },
    };
  }

  let running: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(running.map((c) => c.close()));
    running = [];
  });

  it("refetches on the new kid once, and keeps accepting tokens of the old key it still publishes", async () => {
    const [oldKey, newKey] = await Promise.all([
      generateIdentityKeyPair("central-2026-01"),
      generateIdentityKeyPair("central-2026-02"),
    ]);
    const port = await freePort();
    const before = await centralOn(port, oldKey, []);
    running.push(before);
    let fetches = 0;
    // The verifier's clock is moved past the refetch interval explicitly, never by waiting.
    let offsetMs = 0;
    const verifier = await createNodeIdentityVerifier({
      jwksUrl: `http://127.0.0.1:${port}/.well-known/gateway-jwks.json`,
      fetch: (input, init) => {
        fetches++;
        return fetch(input, init);
      },
      audience: ["users", "orders"],
      jwksMinRefetchSeconds: 1,
      now: () => Date.now() + offsetMs,
    });
    const oldToken = await before.forward("/api/users/1");
    const verify = (received: typeof oldToken) =>
      verifier.verify(received.headers[IDENTITY_HEADER] as string, {
        method: received.method,
        pathAndQuery: received.url,
      });
    expect((await verify(oldToken)).ok).toBe(true);
    const afterFirst = fetches;

    // Redeploy: sign with the new key, publish the old one until its tokens have expired.
    await before.close();
    running = [];
    const after = await centralOn(port, newKey, [oldKey]);
    running.push(after);
    const response = await fetch(`http://127.0.0.1:${port}/.well-known/gateway-jwks.json`);
    expect(((await response.json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid)).toEqual([
      "central-2026-02",
      "central-2026-01",
    ]);
    offsetMs = 1500;
    const newToken = await after.forward("/api/orders/9");
    expect(await verify(newToken)).toMatchObject({ ok: true, claims: { aud: "orders" } });
    expect(fetches).toBe(afterFirst + 1);
    expect((await verify(oldToken)).ok).toBe(true);
    expect((await verify(await after.forward("/api/users/2"))).ok).toBe(true);
    expect(fetches).toBe(afterFirst + 1);
  });
});

describe("serviceToken: reuse", () => {
  let central: CentralUnderTest;
  beforeAll(async () => {
    central = await startCentral({
      yaml: yaml({ route: ", serviceToken: reuse, reuseSeconds: 15" }),
      redis: "none",
    });
  });
  afterAll(() => central?.close());

  it("forwards one unbound token per identity on a reuse route, a fresh bound one elsewhere", async () => {
    const a1 = await get(central, "/api/users/1");
    const a2 = await get(central, "/api/users/2?x=1");
    const bob = await get(central, "/api/users/1", { sub: "bob" });
    expect(a2.headers[IDENTITY_HEADER]).toBe(a1.headers[IDENTITY_HEADER]);
    expect(bob.headers[IDENTITY_HEADER]).not.toBe(a1.headers[IDENTITY_HEADER]);
    const o1 = await get(central, "/api/orders/1");
    const o2 = await get(central, "/api/orders/1");
    expect(o2.headers[IDENTITY_HEADER]).not.toBe(o1.headers[IDENTITY_HEADER]);

    const service = await createNodeIdentityVerifier({
      publicKeys: { keys: [central.centralKeys.publicJwk] },
      audience: "users",
      acceptReusableTokens: true,
    });
    for (const received of [a1, a2]) {
      const result = await service.verify(received.headers[IDENTITY_HEADER] as string, {
        method: received.method,
        pathAndQuery: received.url,
      });
      expect(result).toMatchObject({ ok: true, reusable: true, claims: { sub: "alice", aud: "users" } });
    }
    // A service that did not opt in refuses the unbound token.
    const strict = await central.serviceVerifier("users");
    expect(
      await strict.verify(a1.headers[IDENTITY_HEADER] as string, { method: "GET", pathAndQuery: a1.url }),
    ).toMatchObject({ ok: false, reason: "binding_mismatch" });
  });
});

describe("identity headers of other proxies", () => {
  const foreign: Record<string, string> = {
    "X-Forwarded-User": "admin",
    "X-Forwarded-Email": "admin@example.com",
    "X-Forwarded-Groups": "admins",
    "X-Forwarded-Preferred-Username": "admin",
    "X-Auth-Request-User": "admin",
    "X-Auth-Request-Email": "admin@example.com",
    "Remote-User": "admin",
    "X-Remote-User": "admin",
    "X-Consumer-Username": "admin",
    "X-Consumer-ID": "1",
    "X-Credential-Identifier": "admin",
    "X-Authenticated-Userid": "admin",
    "X-Authenticated-Scope": "all",
    "X-Userinfo": "eyJzdWIiOiJhZG1pbiJ9",
    "X-Jwt-Claim-Sub": "admin",
    "X-Ms-Client-Principal-Name": "admin",
    "X-Goog-Authenticated-User-Email": "accounts.google.com:admin@example.com",
    "X-Amzn-Oidc-Identity": "admin",
    "X-Forwarded-Client-Cert": "By=spiffe://x;URI=spiffe://admin",
  };

  it("are removed by default before the request reaches the service", async () => {
    const central = await startCentral({ yaml: yaml(), redis: "none" });
    try {
      const received = await get(central, "/api/users/1", {}, { ...foreign, "X-Kept": "yes" });
      const arrived = Object.keys(received.headers).filter(
        (name) => name.toLowerCase() in lowerCased(foreign),
      );
      expect(arrived).toEqual([]);
      expect(received.headers["x-kept"]).toBe("yes");
      expect(central.config.identity.stripHeaders).toEqual([...FOREIGN_IDENTITY_HEADERS]);
    } finally {
      await central.close();
    }
  });

  it("follow identity.stripHeaders: 'default' plus an own entry, or a replaced list", async () => {
    const extended = await startCentral({
      yaml: yaml({ identity: ", stripHeaders: [default, X-Sso-*]" }),
      redis: "none",
    });
    try {
      const received = await get(
        extended,
        "/api/users/1",
        {},
        { "X-Sso-User": "admin", "Remote-User": "admin" },
      );
      expect(received.headers["x-sso-user"]).toBeUndefined();
      expect(received.headers["remote-user"]).toBeUndefined();
    } finally {
      await extended.close();
    }
    const replaced = await startCentral({
      yaml: yaml({ identity: ", stripHeaders: [x-sso-user]" }),
      redis: "none",
    });
    try {
      const received = await get(
        replaced,
        "/api/users/1",
        {},
        { "X-Sso-User": "admin", "Remote-User": "legacy" },
      );
      expect(received.headers["x-sso-user"]).toBeUndefined();
      expect(received.headers["remote-user"]).toBe("legacy");
      // The gateway's own trust headers go whatever the list says.
      const own = await get(replaced, "/api/users/1", {}, { "X-User-Id": "root", "X-Consumer-Id": "1" });
      expect(own.headers["x-user-id"]).toBe("alice");
      expect(own.headers["x-consumer-id"]).toBeUndefined();
    } finally {
      await replaced.close();
    }
  });
});

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
