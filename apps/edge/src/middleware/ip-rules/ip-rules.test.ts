import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bearer, createFixture, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";
import { centralHits } from "../../../test/workerd/recording-central.ts";
import { signToken } from "../../../test/workerd/tokens.ts";
import { cacheApiStore, durableObjectIndex } from "../cache/index.ts";

const UPSTREAM = '"http://127.0.0.1:9"';

/** Global deny list; /api/office admits only the office networks, minus one subnet. */
function denyFixture() {
  return createFixture({
    extraRoutes: `
  - name: office
    path: /api/office
    auth: public
    methods: [GET]
    upstream: ${UPSTREAM}
    ipRules:
      allow: ["10.0.0.0/8", "2001:db8::/32"]
      deny: ["10.66.0.0/16"]`,
    extraTopLevelYaml: `
ipRules:
  deny: ["203.0.113.0/24", "2001:db8:bad::/48"]`,
  });
}

/** Global allow list; /api/lab narrows it further. */
function allowFixture() {
  return createFixture({
    extraRoutes: `
  - { name: lab, path: /api/lab, auth: public, methods: [GET], upstream: ${UPSTREAM}, ipRules: { allow: ["10.1.0.0/16", "fd00:1::/32"] } }`,
    extraTopLevelYaml: `
ipRules:
  allow: ["10.0.0.0/8", "192.168.0.0/16", "fd00::/16"]`,
  });
}

function from(ip: string, headers: Record<string, string> = {}): RequestInit {
  return { headers: { "cf-connecting-ip": ip, ...headers } };
}

describe("IP rules", () => {
  it("403 ip_denied with the request id, before authentication: no JWKS fetch, central never called", async () => {
    const fixture = await denyFixture();
    const token = await signToken();
    for (const ip of ["203.0.113.9", "2001:db8:bad::1", "::ffff:203.0.113.200"]) {
      const path = `/api/items/ip-denied-${crypto.randomUUID()}`;
      const response = await fixture.app.request(path, from(ip, bearer(token)));
      expect(response.status, ip).toBe(403);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      const error = await errorOf(response);
      expect(error.code).toBe("ip_denied");
      expect(error.message).toBe(`client address ${ip} is not allowed`);
      expect(error.requestId).toBe(response.headers.get("x-request-id"));
      expect(await centralHits(path)).toBe(0);
    }
    // Without a token too: the refusal is 403, not 401.
    expect((await fixture.app.request("/api/items/1", from("203.0.113.9"))).status).toBe(403);
    expect(await fixture.jwksFetches()).toBe(0);
  });

  it("addresses outside a deny-only list pass, v4 and v6", async () => {
    const { app } = await denyFixture();
    for (const ip of ["198.51.100.7", "2001:db8:beef::1", "203.0.114.1"]) {
      expect((await recorded(await app.request("/api/public/x", from(ip)))).url, ip).toBe("/api/public/x");
    }
  });

  it("a route allow list admits only its networks; its deny list and the global deny list win over it", async () => {
    const { app } = await denyFixture();
    const cases: Array<[string, number]> = [
      ["10.1.2.3", 200],
      ["::ffff:10.1.2.3", 200],
      ["2001:db8:1::1", 200],
      ["10.66.1.1", 403], // route deny beats route allow
      ["2001:db8:bad::1", 403], // global deny beats route allow
      ["198.51.100.7", 403], // not in the route's allow list
      ["2001:db9::1", 403],
    ];
    for (const [ip, status] of cases) {
      const response = await app.request("/api/office/x", from(ip));
      expect(response.status, ip).toBe(status);
      if (status === 403) expect((await errorOf(response)).code).toBe("ip_denied");
    }
  });

  it("global allow list first, then the route's: both must admit the client", async () => {
    const { app } = await allowFixture();
    const cases: Array<[string, string, number]> = [
      ["/api/public/x", "192.168.4.4", 200],
      ["/api/public/x", "fd00:2::1", 200],
      ["/api/public/x", "172.16.0.1", 403], // outside the global allow list
      ["/api/public/x", "2001:db8::1", 403],
      ["/api/lab/x", "10.1.0.9", 200],
      ["/api/lab/x", "fd00:1:2::3", 200],
      ["/api/lab/x", "10.2.0.9", 403], // global allows it, the route does not
      ["/api/lab/x", "192.168.4.4", 403],
      ["/api/lab/x", "not-an-address", 403],
    ];
    for (const [path, ip, status] of cases) {
      expect((await app.request(path, from(ip))).status, `${path} ${ip}`).toBe(status);
    }
    const unreadable = await app.request("/api/public/x", from("999.1.1.1"));
    expect(await errorOf(unreadable)).toMatchObject({
      code: "ip_denied",
      message: "client address could not be read",
    });
  });

  it("no rules configured: every address passes (the standard fixture)", async () => {
    const { app } = await createFixture();
    expect((await app.request("/api/public/x", from("203.0.113.9"))).status).toBe(200);
  });

  it("global rules run before routing: a denied client gets 403 on an unknown path, allowed clients 404", async () => {
    const { app } = await denyFixture();
    const denied = await app.request("/no/such/route", from("203.0.113.9"));
    expect(denied.status).toBe(403);
    expect(await errorOf(denied)).toMatchObject({
      code: "ip_denied",
      message: "client address 203.0.113.9 is not allowed",
    });
    expect((await app.request("/no/such/route", from("198.51.100.1"))).status).toBe(404);
    // /health stays open to everyone (load balancers and uptime checks).
    expect((await app.request("/health", from("203.0.113.9"))).status).toBe(200);
  });

  it("the cache purge endpoint is behind the global rules: 403 before its secret is looked at", async () => {
    const { app } = await createFixture({
      extraTopLevelYaml: 'ipRules: { deny: ["203.0.113.0/24"] }',
      deps: {
        cache: {
          store: cacheApiStore(() => caches.open(`ip-${crypto.randomUUID()}`)),
          index: durableObjectIndex(env.CACHE_INDEX as NonNullable<typeof env.CACHE_INDEX>),
          purgeSecret: "purge-secret-for-ip-tests",
        },
      },
    });
    const purge = (ip: string, secret: string) =>
      app.request("/_gateway/cache/purge", {
        method: "POST",
        headers: {
          "cf-connecting-ip": ip,
          authorization: `Bearer ${secret}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ prefixes: ["/api/public"] }),
      });
    const denied = await purge("203.0.113.7", "purge-secret-for-ip-tests");
    expect(denied.status).toBe(403);
    expect((await errorOf(denied)).code).toBe("ip_denied");
    expect((await purge("198.51.100.1", "wrong-secret")).status).toBe(401);
    expect((await purge("198.51.100.1", "purge-secret-for-ip-tests")).status).toBe(200);
  });
});
