import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MiniApp, startMiniApp } from "../../../test/support/mini-app.ts";
import { nodeRequest } from "../../../test/support/node-request.ts";
import { gatewayContext } from "../../context.ts";
import { createTrustedHeaders } from "./index.ts";

let app: MiniApp;
beforeAll(async () => {
  app = await startMiniApp([createTrustedHeaders()], (req, res) => {
    res.json({ headers: req.headers, forwarded: gatewayContext(res).forwarded });
  });
});
afterAll(() => app.close());

async function seen(headers: Record<string, string>) {
  const response = await nodeRequest(app.url, { headers });
  return JSON.parse(response.body) as { headers: Record<string, string>; forwarded: Record<string, string> };
}

describe("trusted headers", () => {
  it("reads the edge's forwarded proto/host, then strips them with every other trust header", async () => {
    const result = await seen({
      "x-forwarded-proto": "HTTPS",
      "x-forwarded-host": "api.example.com:8443",
      "x-forwarded-for": "1.2.3.4",
      "x-user-id": "mallory",
      "x-gateway-identity": "token",
      "x-custom": "kept",
    });
    expect(result.forwarded).toEqual({ proto: "https", host: "api.example.com:8443" });
    expect(Object.keys(result.headers).filter((name) => name.startsWith("x-"))).toEqual(["x-custom"]);
  });

  it("ignores forwarded values that are not a plain scheme or host", async () => {
    const result = await seen({ "x-forwarded-proto": "javascript", "x-forwarded-host": "evil.com/path" });
    expect(result.forwarded).toEqual({});
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
