import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MiniApp, startMiniApp } from "../../../test/support/mini-app.ts";
import { nodeRequest } from "../../../test/support/node-request.ts";
import { createTrustedHeaders } from "./index.ts";

let app: MiniApp;
beforeAll(async () => {
  app = await startMiniApp([createTrustedHeaders()], (req, res) => {
    res.json({ headers: req.headers });
  });
});
afterAll(() => app.close());

async function seen(headers: Record<string, string>) {
  const response = await nodeRequest(app.url, { headers });
  return JSON.parse(response.body) as { headers: Record<string, string> };
}

describe("trusted headers", () => {
  it("strips x-forwarded-* with every other trust header and reads none of them", async () => {
    const result = await seen({
      "x-forwarded-proto": "https",
      "x-forwarded-host": "api.example.com:8443",
      "x-forwarded-for": "1.2.3.4",
      forwarded: "proto=https;host=api.example.com",
      "x-user-id": "mallory",
      "x-gateway-identity": "token",
      "x-custom": "kept",
    });
    expect(result.headers.forwarded).toBeUndefined();
    expect(Object.keys(result.headers).filter((name) => name.startsWith("x-"))).toEqual(["x-custom"]);
  });

  it("strips hop-by-hop headers and the ones Connection names, but never content-length or host", async () => {
    const result = await seen({
      connection: "keep-alive, x-secret, content-length, host",
      "x-secret": "1",
      "keep-alive": "timeout=1",
      te: "trailers",
      upgrade: "h2c",
      "proxy-authorization": "Basic x",
      "content-length": "0",
      expect: "100-continue",
    });
    for (const name of [
      "connection",
      "x-secret",
      "keep-alive",
      "te",
      "upgrade",
      "proxy-authorization",
      "expect",
    ]) {
      expect(result.headers[name], name).toBeUndefined();
    }
    expect(result.headers["content-length"]).toBe("0");
    expect(result.headers.host).toBeDefined();
  });
});
