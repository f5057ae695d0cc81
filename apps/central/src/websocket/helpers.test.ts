import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { closeReason, isSendableCode } from "./close-codes.ts";
import { readHandshake } from "./handshake.ts";
import { targetUrl, upstreamHeaders, websocketTarget } from "./upstream-target.ts";

const request = (method: string, headers: Record<string, string>) =>
  ({ method, headers }) as unknown as IncomingMessage;
const VALID = {
  upgrade: "websocket",
  connection: "keep-alive, Upgrade",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
  "sec-websocket-version": "13",
};

describe("readHandshake", () => {
  it("reads a valid RFC 6455 handshake and the offered subprotocols", () => {
    expect(readHandshake(request("GET", { ...VALID, "sec-websocket-protocol": "a, b ,,c" }))).toEqual({
      upgrade: "websocket",
      connection: "keep-alive, Upgrade",
      key: "dGhlIHNhbXBsZSBub25jZQ==",
      version: "13",
      protocols: ["a", "b", "c"],
    });
  });

  it("names what is wrong with an invalid one", () => {
    expect(readHandshake(request("POST", VALID))).toEqual({ problem: "a WebSocket handshake must be a GET" });
    expect(readHandshake(request("GET", { ...VALID, "sec-websocket-key": "abc" }))).toEqual({
      problem: "Sec-WebSocket-Key is missing or invalid",
    });
    expect(readHandshake(request("GET", { ...VALID, "sec-websocket-version": "8" }))).toEqual({
      problem: "Sec-WebSocket-Version must be 13",
    });
    expect(readHandshake(request("GET", { ...VALID, connection: "keep-alive" }))).toEqual({
      problem: "Connection must include upgrade",
    });
    for (const offered of ["a, a", "a b", "a;b"]) {
      expect(readHandshake(request("GET", { ...VALID, "sec-websocket-protocol": offered }))).toEqual({
        problem: "Sec-WebSocket-Protocol must list distinct tokens",
      });
    }
  });
});

describe("close codes", () => {
  it("only codes an endpoint may send are passed on", () => {
    expect([1000, 1001, 1009, 1011, 1014, 3000, 4999].every(isSendableCode)).toBe(true);
    expect([999, 1004, 1005, 1006, 1015, 2000, 5000].some(isSendableCode)).toBe(false);
  });

  it("reasons are cut to 123 bytes without splitting a character", () => {
    expect(closeReason("bye")).toBe("bye");
    const long = closeReason("é".repeat(100));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(123);
    expect(long).toBe("é".repeat(61));
  });
});

describe("upstream target", () => {
  it("maps http(s) to ws(s), keeps the URL's path prefix and the query", () => {
    expect(targetUrl(websocketTarget("http://svc:8080"), "/ws/echo", "?a=1")).toBe(
      "ws://svc:8080/ws/echo?a=1",
    );
    expect(targetUrl(websocketTarget("https://svc/base/"), "/echo", "")).toBe("wss://svc/base/echo");
    expect(targetUrl(websocketTarget("https://svc/base"), "/", "")).toBe("wss://svc/base");
  });

  it("leaves the handshake fields to the WebSocket client", () => {
    expect(
      upstreamHeaders({
        host: "central",
        "sec-websocket-key": "k",
        "sec-websocket-version": "13",
        "sec-websocket-protocol": "a",
        "x-request-id": "r",
        cookie: "c=1",
      }),
    ).toEqual({ "x-request-id": "r", cookie: "c=1" });
  });
});
