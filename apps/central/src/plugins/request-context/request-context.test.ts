import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MiniApp, startMiniApp } from "../../../test/support/mini-app.ts";
import { gatewayContext } from "../../context.ts";
import { requestIdFrom } from "./index.ts";

let app: MiniApp;
beforeAll(async () => {
  app = await startMiniApp([], (_req, res) => {
    const context = gatewayContext(res);
    res.json({
      requestId: context.requestId,
      clientIp: context.clientIp,
      hasStart: typeof context.startedAt === "bigint",
    });
  });
});
afterAll(() => app.close());

describe("request context", () => {
  it("keeps a sane incoming x-request-id and echoes it", async () => {
    const response = await fetch(app.url, { headers: { "x-request-id": "edge-abc.123:4_5-6" } });
    expect(response.headers.get("x-request-id")).toBe("edge-abc.123:4_5-6");
    expect(await response.json()).toEqual({
      requestId: "edge-abc.123:4_5-6",
      clientIp: "127.0.0.1",
      hasStart: true,
    });
  });

  it("replaces an unusable one with a random id", async () => {
    for (const bad of ["has space", "a".repeat(129), "semi;colon", 'quote"']) {
      const response = await fetch(app.url, { headers: { "x-request-id": bad } });
      const id = response.headers.get("x-request-id");
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("requestIdFrom ignores repeated headers", () => {
    expect(requestIdFrom(["a", "b"])).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});
