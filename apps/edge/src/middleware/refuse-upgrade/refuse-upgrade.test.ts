import { describe, expect, it } from "vitest";
import { createFixture, errorOf } from "../../../test/workerd/edge-fixture.ts";
import { centralCompleted } from "../../../test/workerd/recording-central.ts";

describe("connection upgrades", () => {
  it("501 not_implemented for a WebSocket upgrade, never forwarded", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/public/ws", {
      headers: { upgrade: "websocket", connection: "Upgrade", "x-request-id": "ws-1" },
    });
    expect(response.status).toBe(501);
    expect(await errorOf(response)).toMatchObject({
      code: "not_implemented",
      message: "WebSocket upgrades are not supported by this gateway",
    });
    expect(await centralCompleted("ws-1")).toBe(false);
  });
});
