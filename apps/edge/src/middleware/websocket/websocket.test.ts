import { env } from "cloudflare:workers";
import { compileEdge, parseConfig } from "@gateway/config";
import { createIdentityVerifier } from "@gateway/identity";
import { IDENTITY_HEADER } from "@gateway/types";
import { describe, expect, inject, it } from "vitest";
import { bearer, createFixture, errorOf, testConfigYaml } from "../../../test/workerd/edge-fixture.ts";
import { withLimitedRoutes } from "../../../test/workerd/rate-limit-fixture.ts";
import { signToken } from "../../../test/workerd/tokens.ts";
import type { CentralFetcher, PreparedRequest } from "../forward/index.ts";
import { resolveCoarseLimiters } from "../rate-limit/index.ts";

const WS_ROUTES = `
  - { name: live, path: /api/live, methods: [GET], upstream: "http://127.0.0.1:9", websocket: { enabled: true } }
  - { name: live-off, path: /api/live-off, methods: [GET], upstream: "http://127.0.0.1:9", websocket: { enabled: false } }`;

const HANDSHAKE = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
  "sec-websocket-version": "13",
  "sec-websocket-protocol": "chat.v1, chat.v0",
};

/** A central that accepts the handshake with a WebSocketPair and echoes every message, prefixed. */
function echoingCentral(seen: PreparedRequest[]): CentralFetcher {
  return {
    async fetch(request) {
      seen.push(request);
      const pair = new WebSocketPair();
      const [client, server] = [pair[0], pair[1]];
      server.accept();
      server.addEventListener("message", (event) => server.send(`echo:${String(event.data)}`));
      return new Response(null, {
        status: 101,
        webSocket: client,
        headers: { "sec-websocket-protocol": "chat.v1" },
      });
    },
  };
}

function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => {
    ws.addEventListener("message", (event) => resolve(String(event.data)), { once: true });
  });
}

describe("WebSocket pass-through at the edge", () => {
  it("authenticates, signs the identity token on the handshake and hands central's WebSocket to the client", async () => {
    const seen: PreparedRequest[] = [];
    const { app } = await createFixture({
      extraRoutes: WS_ROUTES,
      deps: { centralFetcher: echoingCentral(seen) },
    });
    const response = await app.request("/api/live/room?x=1", {
      headers: { ...HANDSHAKE, ...bearer(await signToken()), "x-user-id": "mallory" },
    });
    expect(response.status).toBe(101);
    expect(response.headers.get("sec-websocket-protocol")).toBe("chat.v1");
    const ws = response.webSocket;
    if (!ws) throw new Error("no WebSocket on the response");
    ws.accept();
    const reply = nextMessage(ws);
    ws.send("hello");
    expect(await reply).toBe("echo:hello");
    ws.close(1000);

    const request = seen[0];
    expect(request?.url.pathname + (request?.url.search ?? "")).toBe("/api/live/room?x=1");
    expect(request?.method).toBe("GET");
    expect(request?.headers.get("upgrade")).toBe("websocket");
    expect(request?.headers.get("sec-websocket-protocol")).toBe("chat.v1, chat.v0");
    expect(request?.headers.has("sec-websocket-key")).toBe(false);
    expect(request?.headers.has("authorization")).toBe(false);
    expect(request?.headers.has("x-user-id")).toBe(false);
    const { d: _private, ...publicJwk } = inject("servers").edgeIdentityPrivateJwk;
    const verifier = await createIdentityVerifier({
      publicKeys: { keys: [publicJwk] },
      audience: "central",
      issuers: ["edge"],
      clockSkewSeconds: 5,
    });
    const verified = await verifier.verify(request?.headers.get(IDENTITY_HEADER), {
      method: "GET",
      pathAndQuery: "/api/live/room?x=1",
    });
    expect(verified).toMatchObject({ ok: true, claims: { sub: "user-1", auth: "jwt" } });
  });

  it("401 without credentials: a handshake is authenticated like any request, central is not called", async () => {
    const seen: PreparedRequest[] = [];
    const { app } = await createFixture({
      extraRoutes: WS_ROUTES,
      deps: { centralFetcher: echoingCentral(seen) },
    });
    const response = await app.request("/api/live", { headers: HANDSHAKE });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("unauthorized");
    expect(seen).toHaveLength(0);
  });

  it("501 not_implemented on routes without websocket (or enabled: false) and unknown paths; central is not called", async () => {
    const seen: PreparedRequest[] = [];
    const { app } = await createFixture({
      extraRoutes: WS_ROUTES,
      deps: { centralFetcher: echoingCentral(seen) },
    });
    for (const path of ["/api/items", "/api/live-off", "/nowhere"]) {
      const response = await app.request(path, { headers: { ...HANDSHAKE, ...bearer(await signToken()) } });
      expect(response.status, path).toBe(501);
      expect(await errorOf(response)).toMatchObject({
        code: "not_implemented",
        message: "WebSocket upgrades are not allowed on this route",
      });
    }
    expect(seen).toHaveLength(0);
  });

  it("400 bad_request for a handshake that is not a GET", async () => {
    const seen: PreparedRequest[] = [];
    const { app } = await createFixture({
      extraRoutes: `${WS_ROUTES}
  - { name: live-any, path: /api/live-any, methods: [GET, POST], upstream: "http://127.0.0.1:9", websocket: { enabled: true } }`,
      deps: { centralFetcher: echoingCentral(seen) },
    });
    const response = await app.request("/api/live-any", {
      method: "POST",
      headers: { ...HANDSHAKE, ...bearer(await signToken()) },
    });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({
      code: "bad_request",
      message: "a WebSocket handshake must be a GET",
    });
    expect(seen).toHaveLength(0);
  });

  it("relays central's refusal of the handshake (a JSON error) to the client", async () => {
    const refusing: CentralFetcher = {
      fetch: async () =>
        new Response(
          JSON.stringify({ error: { code: "rate_limited", message: "slow down", requestId: "r" } }),
          {
            status: 429,
            headers: { "content-type": "application/json", "retry-after": "7" },
          },
        ),
    };
    const { app } = await createFixture({ extraRoutes: WS_ROUTES, deps: { centralFetcher: refusing } });
    const response = await app.request("/api/live", {
      headers: { ...HANDSHAKE, ...bearer(await signToken()) },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect((await errorOf(response)).code).toBe("rate_limited");
  });

  it("a plain GET on a WebSocket route is forwarded as an ordinary request", async () => {
    const seen: PreparedRequest[] = [];
    const plain: CentralFetcher = {
      fetch: async (request) => {
        seen.push(request);
        return new Response("plain", { status: 200 });
      },
    };
    const { app } = await createFixture({ extraRoutes: WS_ROUTES, deps: { centralFetcher: plain } });
    const response = await app.request("/api/live", { headers: bearer(await signToken()) });
    expect(await response.text()).toBe("plain");
    expect(seen[0]?.headers.has("upgrade")).toBe(false);
  });

  it("an edge coarse limit counts the handshake once per connection", async () => {
    const tag = crypto.randomUUID();
    const base = withLimitedRoutes(compileEdge(parseConfig(testConfigYaml({ tag }), {})));
    const template = base.routes.find((route) => route.name === "items");
    if (!template) throw new Error("no items route");
    const config = {
      ...base,
      routes: [
        ...base.routes,
        {
          ...template,
          name: "live-limited",
          path: "/api/live-limited",
          methods: ["GET" as const],
          edgeRateLimit: ["precise-consumer"],
          websocket: {
            enabled: true,
            idleTimeoutSeconds: 60,
            maxLifetimeSeconds: 60,
            maxMessageBytes: 1024,
            maxConnections: 10,
          },
        },
      ],
    };
    const { limiters } = resolveCoarseLimiters(config.rateLimits.edge, env);
    const seen: PreparedRequest[] = [];
    const { app } = await createFixture({
      tag,
      deps: { config, coarseLimiters: limiters, centralFetcher: echoingCentral(seen), log: () => {} },
    });
    const token = await signToken({ claims: { sub: `ws-${tag}` } });
    const connect = () => app.request("/api/live-limited", { headers: { ...HANDSHAKE, ...bearer(token) } });

    const first = await connect();
    expect(first.status).toBe(101);
    const ws = first.webSocket;
    if (!ws) throw new Error("no WebSocket on the response");
    ws.accept();
    for (const text of ["a", "b", "c"]) {
      const reply = nextMessage(ws);
      ws.send(text);
      expect(await reply).toBe(`echo:${text}`);
    }
    expect((await connect()).status).toBe(101);
    const third = await connect();
    expect(third.status).toBe(429);
    expect((await errorOf(third)).code).toBe("rate_limited");
    expect(seen).toHaveLength(2);
    ws.close(1000);
  });
});
