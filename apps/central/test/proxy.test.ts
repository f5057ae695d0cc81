import { IDENTITY_HEADER } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { useCentralWithUpstream } from "./support/central-with-upstream.ts";
import { ALICE, type CentralUnderTest } from "./support/harness.ts";
import { nodeRequest } from "./support/node-request.ts";
import type { RecordingUpstream } from "./support/upstream.ts";

let upstream: RecordingUpstream;
let central: CentralUnderTest;
useCentralWithUpstream((started) => {
  ({ upstream, central } = started);
});

function lastRequest() {
  const request = upstream.requests.at(-1);
  if (request === undefined) throw new Error("upstream received nothing");
  return request;
}

describe("a verified request", () => {
  it("reaches the upstream on the rewritten path with the raw query kept", async () => {
    const target = "/api/users/42?expand=roles&q=a%20b";
    const response = await fetch(central.url + target, {
      headers: { [IDENTITY_HEADER]: await central.mint("GET", target) },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ method: "GET", url: "/users/42?expand=roles&q=a%20b" });
    expect(lastRequest().url).toBe("/users/42?expand=roles&q=a%20b");
  });

  it("carries a central identity token bound to exactly what the service received", async () => {
    const target = "/api/users/7?x=1";
    await fetch(central.url + target, { headers: { [IDENTITY_HEADER]: await central.mint("GET", target) } });
    const received = lastRequest();
    const verifier = await central.serviceVerifier("users");
    const result = await verifier.verify(received.headers[IDENTITY_HEADER] as string, {
      method: received.method,
      pathAndQuery: received.url,
    });
    expect(result).toMatchObject({
      ok: true,
      claims: {
        iss: "central",
        aud: "users",
        sub: "alice",
        auth: "jwt",
        roles: ["user"],
        cip: "203.0.113.7",
      },
    });
    // The edge's token never reaches the service.
    const forOtherPath = await verifier.verify(received.headers[IDENTITY_HEADER] as string, {
      method: "GET",
      pathAndQuery: target,
    });
    expect(forOtherPath).toMatchObject({ ok: false, reason: "binding_mismatch" });
  });

  it("sets x-user-*, X-Forwarded-* and X-Request-ID for the service", async () => {
    const target = "/api/users";
    const response = await fetch(central.url + target, {
      headers: {
        [IDENTITY_HEADER]: await central.edgeSigner.sign({
          identity: { ...ALICE, roles: ["user", "ops"], scopes: ["a", "b"] },
          audience: "central",
          method: "GET",
          pathAndQuery: target,
          clientIp: "198.51.100.9",
          forwardedProto: "https",
          forwardedHost: "api.example.com",
        }),
        "x-request-id": "req-123",
      },
    });
    expect(response.headers.get("x-request-id")).toBe("req-123");
    const headers = lastRequest().headers;
    expect(headers["x-user-id"]).toBe("alice");
    expect(headers["x-user-roles"]).toBe("user,ops");
    expect(headers["x-user-scopes"]).toBe("a,b");
    expect(headers["x-forwarded-for"]).toBe("198.51.100.9");
    expect(headers["x-forwarded-proto"]).toBe("https");
    expect(headers["x-forwarded-host"]).toBe("api.example.com");
    expect(headers["x-request-id"]).toBe("req-123");
    expect(headers.host).toBe(`127.0.0.1:${upstream.port}`);
  });

  it("takes X-Forwarded-Proto/Host from the signed xfp/xfh claims, never from forged headers", async () => {
    const target = "/api/users/forwarded";
    await fetch(central.url + target, {
      headers: {
        [IDENTITY_HEADER]: await central.edgeSigner.sign({
          identity: ALICE,
          audience: "central",
          method: "GET",
          pathAndQuery: target,
          forwardedProto: "https",
          forwardedHost: "api.example.com:8443",
        }),
        "x-forwarded-proto": "http",
        "x-forwarded-host": "evil.example",
        forwarded: "proto=http;host=evil.example",
      },
    });
    const received = lastRequest();
    expect(received.headers["x-forwarded-proto"]).toBe("https");
    expect(received.headers["x-forwarded-host"]).toBe("api.example.com:8443");
    expect(received.headers.forwarded).toBeUndefined();
    // The service gets the same facts signed in central's token.
    const verifier = await central.serviceVerifier("users");
    const result = await verifier.verify(received.headers[IDENTITY_HEADER] as string, {
      method: received.method,
      pathAndQuery: received.url,
    });
    expect(result).toMatchObject({ ok: true, claims: { xfp: "https", xfh: "api.example.com:8443" } });
  });

  it("sets no X-Forwarded-Proto/Host when the token has no xfp/xfh, whatever headers arrive", async () => {
    const target = "/api/users/unforwarded";
    await fetch(central.url + target, {
      headers: {
        [IDENTITY_HEADER]: await central.mint("GET", target),
        "x-forwarded-proto": "https",
        "x-forwarded-host": "evil.example",
      },
    });
    const received = lastRequest();
    expect(received.url).toBe("/users/unforwarded");
    expect(received.headers["x-forwarded-proto"]).toBeUndefined();
    expect(received.headers["x-forwarded-host"]).toBeUndefined();
    const verifier = await central.serviceVerifier("users");
    const result = await verifier.verify(received.headers[IDENTITY_HEADER] as string, {
      method: received.method,
      pathAndQuery: received.url,
    });
    if (!result.ok) throw new Error(`expected ok, got ${result.reason}`);
    expect(result.claims.xfp).toBeUndefined();
    expect(result.claims.xfh).toBeUndefined();
  });

  it("replaces every client-sent trust header", async () => {
    const target = "/api/users";
    await fetch(central.url + target, {
      headers: {
        [IDENTITY_HEADER]: await central.mint("GET", target),
        "x-user-id": "mallory",
        "x-user-roles": "admin",
        "x-user-tenant": "other",
        "x-gateway-debug": "1",
        "x-consumer-id": "mallory",
        "x-auth-user": "mallory",
        "x-forwarded-for": "10.0.0.1",
        "x-real-ip": "10.0.0.1",
        forwarded: "for=10.0.0.1",
        "x-http-method-override": "DELETE",
        "x-original-url": "/admin",
      },
    });
    const headers = lastRequest().headers;
    expect(headers["x-user-id"]).toBe("alice");
    expect(headers["x-user-roles"]).toBe("user");
    expect(headers["x-forwarded-for"]).toBe("203.0.113.7");
    for (const name of [
      "x-user-tenant",
      "x-gateway-debug",
      "x-consumer-id",
      "x-auth-user",
      "x-real-ip",
      "forwarded",
      "x-http-method-override",
      "x-original-url",
    ]) {
      expect(headers[name], name).toBeUndefined();
    }
  });

  it("drops hop-by-hop headers, including those named in Connection, in both directions", async () => {
    upstream.respondWith((_req, res) => {
      res.setHeader("x-upstream-private", "secret");
      res.setHeader("connection", "keep-alive, x-upstream-private");
      res.setHeader("keep-alive", "timeout=77");
      res.setHeader("x-kept", "yes");
      res.end("ok");
    });
    try {
      const target = "/api/users";
      const response = await nodeRequest(central.url + target, {
        headers: {
          [IDENTITY_HEADER]: await central.mint("GET", target),
          connection: "keep-alive, x-drop-me",
          "x-drop-me": "1",
          "x-keep-me": "1",
          "keep-alive": "timeout=99",
          "proxy-authorization": "Basic Zm9vOmJhcg==",
          te: "trailers",
        },
      });
      expect(response.body).toBe("ok");
      expect(response.headers["x-kept"]).toBe("yes");
      expect(response.headers["x-upstream-private"]).toBeUndefined();
      expect(response.headers["keep-alive"]).not.toBe("timeout=77");
      const headers = lastRequest().headers;
      expect(headers["x-keep-me"]).toBe("1");
      expect(headers["x-drop-me"]).toBeUndefined();
      expect(headers["keep-alive"]).toBeUndefined();
      expect(headers["proxy-authorization"]).toBeUndefined();
      expect(headers.te).toBeUndefined();
    } finally {
      upstream.respondWith((req, res) => res.end(JSON.stringify({ method: req.method, url: req.url })));
    }
  });

  it("streams request bodies through, chunked ones included", async () => {
    const target = "/api/users";
    const body = JSON.stringify({ name: "Bob" });
    const response = await fetch(central.url + target, {
      method: "POST",
      headers: { [IDENTITY_HEADER]: await central.mint("POST", target), "content-type": "application/json" },
      body,
    });
    expect(response.status).toBe(200);
    expect(lastRequest().body.toString()).toBe(body);
    expect(lastRequest().headers["content-type"]).toBe("application/json");

    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("part1-"));
        controller.enqueue(new TextEncoder().encode("part2"));
        controller.close();
      },
    });
    const chunked = await fetch(central.url + target, {
      method: "PUT",
      headers: { [IDENTITY_HEADER]: await central.mint("PUT", target) },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(200);
    expect(lastRequest().body.toString()).toBe("part1-part2");
    expect(lastRequest().headers["transfer-encoding"]).toBe("chunked");
  });

  it("passes upstream redirects through untouched", async () => {
    upstream.respondWith((_req, res) => {
      res.writeHead(302, { location: "http://internal.example/next?x=1" });
      res.end();
    });
    try {
      const target = "/api/users/redirect";
      const response = await fetch(central.url + target, {
        headers: { [IDENTITY_HEADER]: await central.mint("GET", target) },
        redirect: "manual",
      });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("http://internal.example/next?x=1");
    } finally {
      upstream.respondWith((req, res) => res.end(JSON.stringify({ method: req.method, url: req.url })));
    }
  });

  it("prepends the upstream URL's own path and round-robins a route's URLs", async () => {
    const urls: string[] = [];
    for (let i = 0; i < 4; i++) {
      const target = `/api/pool/item?i=${i}`;
      await fetch(central.url + target, {
        headers: { [IDENTITY_HEADER]: await central.mint("GET", target) },
      });
      urls.push(lastRequest().url);
    }
    expect(urls).toEqual([
      "/a/api/pool/item?i=0",
      "/b/api/pool/item?i=1",
      "/a/api/pool/item?i=2",
      "/b/api/pool/item?i=3",
    ]);
  });

  it("writes one access log line with credential query values redacted and no tokens or credentials", async () => {
    const target = "/api/users/9?token=supersecret";
    const token = await central.mint("GET", target);
    await fetch(central.url + target, {
      headers: {
        [IDENTITY_HEADER]: token,
        authorization: "Bearer client-jwt",
        cookie: "session=abc",
        "x-request-id": "log-1",
      },
    });
    const lines = central.logs.filter((line) => line.requestId === "log-1");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: "request",
      method: "GET",
      path: "/api/users/9?token=[REDACTED]",
      route: "users",
      status: 200,
      upstream: upstream.url,
      consumer: "alice",
    });
    expect(typeof lines[0]?.latencyMs).toBe("number");
    const text = central.logText();
    for (const secret of ["supersecret", token, "client-jwt", "session=abc"])
      expect(text).not.toContain(secret);
  });
});
