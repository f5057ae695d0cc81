import type http from "node:http";
import { createIdentityVerifier } from "@gateway/identity";
import { freePort, listen } from "@gateway/testing";
import { IDENTITY_HEADER } from "@gateway/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { createServer } from "../src/server/index.ts";
import { composeTestCentral } from "./support/compose.ts";
import { testConfigPreambleYaml } from "./support/config.ts";
import { type CentralUnderTest, startCentral } from "./support/harness.ts";
import { type RecordingUpstream, startUpstream } from "./support/upstream.ts";
import {
  closed,
  nextMessage,
  opened,
  refusedHandshake,
  startWebSocketEcho,
  type WebSocketEchoService,
} from "./support/websocket-echo.ts";

let echo: WebSocketEchoService;
let plain: RecordingUpstream;
let central: CentralUnderTest;
let wsUrl: string;

const route = (name: string, websocket: string, extra = "") => `
  - name: ${name}
    path: /api/${name}
    methods: [GET]
    upstream: __ECHO__
    rewrite: /echo/${name}
    websocket: ${websocket}${extra}`;

beforeAll(async () => {
  // The lifecycle tests' second central signs with its own key (routes "slow" and "held").
  echo = await startWebSocketEcho((audience) =>
    audience === "slow" || audience === "held"
      ? createIdentityVerifier({
          publicKeys: { keys: [composed.centralKeys.publicJwk] },
          audience,
          issuers: ["central"],
          clockSkewSeconds: 5,
        })
      : central.serviceVerifier(audience),
  );
  plain = await startUpstream();
  const down = `http://127.0.0.1:${await freePort()}`;
  const yaml = `${testConfigPreambleYaml({})}
rateLimits:
  policies:
    - { name: two-per-minute, algorithm: sliding_window, limit: 2, windowSeconds: 60, key: [consumer, route], failMode: closed }
routes:
${[
  route("ws", "{ enabled: true }"),
  route("idle", "{ enabled: true, idleTimeoutSeconds: 1, maxLifetimeSeconds: 60 }"),
  route("lifetime", "{ enabled: true, idleTimeoutSeconds: 1, maxLifetimeSeconds: 1 }"),
  route("small", "{ enabled: true, maxMessageBytes: 1024 }"),
  route("single", "{ enabled: true, maxConnections: 1 }"),
  route("limited", "{ enabled: true }", "\n    rateLimit: [two-per-minute]"),
  route("off", "{ enabled: false }"),
]
  .join("")
  .replaceAll("__ECHO__", echo.url)}
  - { name: plain, path: /api/plain, methods: [GET], upstream: "${plain.url}" }
  - { name: down, path: /api/down, methods: [GET], upstream: "${down}", websocket: { enabled: true } }
  - name: broken
    path: /api/broken
    methods: [GET]
    upstream: "${down}"
    websocket: { enabled: true }
    circuitBreaker: { consecutiveFailures: 2, openMs: 60000 }
`;
  central = await startCentral({ yaml });
  wsUrl = central.url.replace("http:", "ws:");
});
afterAll(async () => {
  await central?.close();
  await echo?.close();
  await plain?.close();
});

let subCounter = 0;
/** Client options carrying an edge identity token for GET `target` (a fresh consumer per call unless given). */
async function edge(target: string, sub = `ws-user-${++subCounter}`): Promise<WebSocket.ClientOptions> {
  return { headers: { [IDENTITY_HEADER]: await central.mint("GET", target, { sub, cip: "203.0.113.9" }) } };
}

function errorCode(body: string): string {
  return (JSON.parse(body) as { error: { code: string } }).error.code;
}

describe("WebSocket pass-through at central", () => {
  it("relays both ways, with the identity verified by the service and the subprotocol it chose", async () => {
    const target = "/api/ws/room?x=1";
    const options = await edge(target, "alice");
    const headers = {
      ...(options.headers as Record<string, string>),
      "x-user-id": "mallory",
      "x-forwarded-for": "6.6.6.6",
    };
    const ws = await opened(wsUrl + target, { headers }, ["chat.v1", "chat.v0"]);
    expect(ws.protocol).toBe("chat.v1");
    ws.send("hello");
    expect(JSON.parse(await nextMessage(ws))).toEqual({
      sub: "alice",
      aud: "ws",
      url: "/echo/ws/room?x=1",
      protocol: "chat.v1",
    });
    ws.send("text message");
    expect(await nextMessage(ws)).toBe("text message");
    const binary = new Promise<Buffer>((resolve) => ws.once("message", (data) => resolve(data as Buffer)));
    ws.send(Buffer.from([0, 1, 2, 255]));
    expect([...(await binary)]).toEqual([0, 1, 2, 255]);

    const handshake = echo.handshakes.at(-1);
    expect(handshake?.headers["x-user-id"]).toBe("alice");
    expect(handshake?.headers["x-forwarded-for"]).toBe("203.0.113.9");
    expect(handshake?.headers["x-request-id"]).toMatch(/.+/);

    const serviceSaw = echo.closeOf("alice");
    const clientSaw = closed(ws);
    ws.close(4000, "bye");
    expect(await serviceSaw).toEqual({ code: 4000, reason: "bye" });
    expect(await clientSaw).toEqual({ code: 4000, reason: "bye" });
  });

  it("passes the service's close code and reason to the client", async () => {
    const ws = await opened(`${wsUrl}/api/ws`, await edge("/api/ws"));
    ws.send("hello");
    await nextMessage(ws);
    const clientSaw = closed(ws);
    ws.send("close:4321:done here");
    expect(await clientSaw).toEqual({ code: 4321, reason: "done here" });
  });

  it("serves plain HTTP on a WebSocket route as before", async () => {
    const target = "/api/ws/x";
    const response = await fetch(central.url + target, {
      headers: { [IDENTITY_HEADER]: await central.mint("GET", target) },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("plain http");
  });
});

describe("refused handshakes answer the JSON error shape", () => {
  it("501 not_implemented on a route without websocket, or with enabled: false; nothing reaches the service", async () => {
    for (const target of ["/api/plain/socket", "/api/off"]) {
      const before = plain.requests.length + echo.handshakes.length;
      const refused = await refusedHandshake(wsUrl + target, await edge(target));
      expect(refused.status, target).toBe(501);
      expect(errorCode(refused.body)).toBe("not_implemented");
      expect(refused.headers["proxy-status"]).toBe(
        'central; error=http_request_error; details="not_implemented"',
      );
      expect(refused.headers.connection).toBe("close");
      expect(plain.requests.length + echo.handshakes.length).toBe(before);
    }
  });

  it("401 without an identity token, with one bound to another target, and for a replayed one", async () => {
    const missing = await refusedHandshake(`${wsUrl}/api/ws`);
    expect([missing.status, errorCode(missing.body)]).toEqual([401, "unauthorized"]);
    const wrong = await refusedHandshake(`${wsUrl}/api/ws`, await edge("/api/ws/other"));
    expect([wrong.status, errorCode(wrong.body)]).toEqual([401, "invalid_identity"]);

    const options = await edge("/api/ws");
    const first = await opened(`${wsUrl}/api/ws`, options);
    const replayed = await refusedHandshake(`${wsUrl}/api/ws`, options);
    expect([replayed.status, errorCode(replayed.body)]).toEqual([401, "invalid_identity"]);
    first.close();
  });

  it("400 for a malformed handshake (no valid Sec-WebSocket-Key, a subprotocol that is not a token)", async () => {
    const target = "/api/ws";
    const response = await rawUpgrade(target, {
      "sec-websocket-key": "short",
      [IDENTITY_HEADER]: await central.mint("GET", target),
    });
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(response).toContain('"code":"bad_request"');
    const protocols = await rawUpgrade(target, {
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      "sec-websocket-protocol": "chat v1, chat",
      [IDENTITY_HEADER]: await central.mint("GET", target),
    });
    expect(protocols).toMatch(/^HTTP\/1\.1 400 /);
    expect(protocols).toContain("Sec-WebSocket-Protocol must list distinct tokens");
  });

  it("counts the rate limit once per connection, not per message", async () => {
    // Unique per run: the window outlives a run when the suite reuses a Redis (REDIS_URL).
    const sub = `ws-rate-${process.pid}-${Date.now()}`;
    const first = await opened(`${wsUrl}/api/limited`, await edge("/api/limited", sub));
    first.send("hello");
    await nextMessage(first);
    for (let i = 0; i < 5; i++) {
      first.send(`m${i}`);
      await nextMessage(first);
    }
    const second = await opened(`${wsUrl}/api/limited`, await edge("/api/limited", sub));
    const third = await refusedHandshake(`${wsUrl}/api/limited`, await edge("/api/limited", sub));
    expect([third.status, errorCode(third.body)]).toEqual([429, "rate_limited"]);
    expect(third.headers["retry-after"]).toMatch(/^\d+$/);
    first.close();
    second.close();
  });

  it("503 overloaded past the route's maxConnections, and a free slot again once a connection ended", async () => {
    const first = await opened(`${wsUrl}/api/single`, await edge("/api/single"));
    const refused = await refusedHandshake(`${wsUrl}/api/single`, await edge("/api/single"));
    expect([refused.status, errorCode(refused.body)]).toEqual([503, "overloaded"]);
    expect(refused.headers["retry-after"]).toBe("1");

    const ended = logged((line) => line.msg === "websocket closed" && line.route === "single");
    first.close(1000);
    await ended;
    const again = await opened(`${wsUrl}/api/single`, await edge("/api/single"));
    again.close();
  });

  it("502 upstream_error (connection_refused) when the service is not listening", async () => {
    const refused = await refusedHandshake(`${wsUrl}/api/down`, await edge("/api/down"));
    expect([refused.status, errorCode(refused.body)]).toEqual([502, "upstream_error"]);
    expect(refused.headers["proxy-status"]).toBe(
      'central; error=connection_refused; details="upstream_error"',
    );
  });

  it("handshakes go through the route's breaker: failed ones open it, then 503 without touching the service", async () => {
    for (let i = 0; i < 2; i++) {
      const refused = await refusedHandshake(`${wsUrl}/api/broken`, await edge("/api/broken"));
      expect([refused.status, errorCode(refused.body)]).toEqual([502, "upstream_error"]);
    }
    const open = await refusedHandshake(`${wsUrl}/api/broken`, await edge("/api/broken"));
    expect([open.status, errorCode(open.body)]).toEqual([503, "upstream_unavailable"]);
    expect(open.headers["retry-after"]).toBe("60");
    const verbose = (await (await fetch(`${central.url}/readyz?verbose`)).json()) as {
      upstreams: Record<string, { targets: Array<{ breaker: { state: string } }> }>;
    };
    expect(verbose.upstreams.broken?.targets[0]?.breaker.state).toBe("open");
  });
});

describe("an open connection", () => {
  it("is closed with 1001 on both sides after idleTimeoutSeconds without a frame", async () => {
    const ws = await opened(`${wsUrl}/api/idle`, await edge("/api/idle", "idler"));
    const serviceSaw = echo.closeOf("idler");
    expect(await closed(ws)).toEqual({ code: 1001, reason: "idle timeout" });
    expect(await serviceSaw).toEqual({ code: 1001, reason: "idle timeout" });
  });

  it("is closed with 1001 after maxLifetimeSeconds even while busy", async () => {
    const ws = await opened(`${wsUrl}/api/lifetime`, await edge("/api/lifetime"));
    const end = closed(ws);
    let open = true;
    void end.then(() => {
      open = false;
    });
    ws.send("hello");
    await nextMessage(ws);
    // Keep it busy until central ends it: each echo triggers the next message.
    ws.on("message", () => {
      if (open) ws.send("tick");
    });
    ws.send("tick");
    expect(await end).toEqual({ code: 1001, reason: "connection lifetime reached" });
  });

  it("a client message over maxMessageBytes closes the client with 1009 and the service with 1001", async () => {
    const ws = await opened(`${wsUrl}/api/small`, await edge("/api/small", "too-big"));
    ws.send("hello");
    await nextMessage(ws);
    const serviceSaw = echo.closeOf("too-big");
    const clientSaw = closed(ws);
    ws.send(Buffer.alloc(2000));
    expect((await clientSaw).code).toBe(1009);
    expect(await serviceSaw).toEqual({ code: 1001, reason: "client sent a message over the size limit" });
  });

  it("a service message over maxMessageBytes closes the client with 1014", async () => {
    const ws = await opened(`${wsUrl}/api/small`, await edge("/api/small"));
    ws.send("hello");
    await nextMessage(ws);
    const clientSaw = closed(ws);
    ws.send("big:2000");
    expect(await clientSaw).toEqual({ code: 1014, reason: "upstream sent a message over the size limit" });
  });

  it("a service that drops the TCP connection closes the client with 1014", async () => {
    const ws = await opened(`${wsUrl}/api/ws`, await edge("/api/ws"));
    ws.send("hello");
    await nextMessage(ws);
    const clientSaw = closed(ws);
    ws.send("break");
    expect(await clientSaw).toEqual({ code: 1014, reason: "upstream connection broke" });
  });

  it("a client that drops the TCP connection closes the service side with 1001", async () => {
    const ws = await opened(`${wsUrl}/api/ws`, await edge("/api/ws", "dropper"));
    ws.send("hello");
    await nextMessage(ws);
    const serviceSaw = echo.closeOf("dropper");
    ws.terminate();
    expect(await serviceSaw).toEqual({ code: 1001, reason: "client went away" });
  });
});

/** Resolves when central logs a line matching `match` (checked as lines arrive). */
function logged(match: (line: { msg: string; [key: string]: unknown }) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (central.logs.some(match)) resolve();
      else setImmediate(check);
    };
    check();
  });
}

async function rawUpgrade(target: string, headers: Record<string, string>): Promise<string> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const socket = net.connect(central.port, "127.0.0.1");
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString();
    });
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n${lines.join("")}\r\n`,
    );
  });
}

let composed: Awaited<ReturnType<typeof composeTestCentral>>;

describe("central's listener and lifecycle", () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    composed = await composeTestCentral({
      keyPrefix: "ws-lifecycle",
      yaml: `${testConfigPreambleYaml({ headersTimeoutMs: 500, requestTimeoutMs: 1000 })}
routes:
${route("slow", "{ enabled: true, idleTimeoutSeconds: 2, maxLifetimeSeconds: 2 }").replaceAll("__ECHO__", echo.url)}
${route("held", "{ enabled: true }").replaceAll("__ECHO__", echo.url)}
`,
    });
    const websocket = composed.central.websocket;
    if (websocket === undefined) throw new Error("no WebSocket relay composed");
    server = createServer(composed.central.app, composed.config.limits, {
      websocketUpgrade: websocket.upgrade,
    });
    url = (await listen(server)).url.replace("http:", "ws:");
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    composed?.central.close();
  });

  const mint = async (target: string, sub: string) => ({
    headers: { [IDENTITY_HEADER]: await composed.mint("GET", target, { sub }) },
  });

  it("an open connection is not cut by limits.requestTimeoutMs (1 s here): it ends at its own 2 s idle timeout", async () => {
    const ws = await opened(`${url}/api/slow`, await mint("/api/slow", "patient"));
    expect(await closed(ws)).toEqual({ code: 1001, reason: "idle timeout" });
  });

  it("closing the relay (shutdown) ends every connection with 1001 on both sides", async () => {
    const ws = await opened(`${url}/api/held`, await mint("/api/held", "held-1"));
    ws.send("hello");
    await nextMessage(ws);
    const clientSaw = closed(ws);
    const serviceSaw = echo.closeOf("held-1");
    composed.central.websocket?.close();
    expect(await clientSaw).toEqual({ code: 1001, reason: "gateway shutting down" });
    expect(await serviceSaw).toEqual({ code: 1001, reason: "gateway shutting down" });
  });
});
