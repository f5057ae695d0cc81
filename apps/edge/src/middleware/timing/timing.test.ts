import { describe, expect, it } from "vitest";
import { createFixture } from "../../../test/workerd/edge-fixture.ts";

describe("timing headers", () => {
  it("adds X-Gateway-Duration and an edge Server-Timing entry after central's", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/public/t");
    expect(response.headers.get("x-gateway-duration")).toMatch(/^\d+$/);
    expect(response.headers.get("server-timing")).toMatch(/^central;dur=1, edge;dur=\d+$/);
  });

  it("times gateway errors too", async () => {
    const { app } = await createFixture();
    const response = await app.request("/nowhere");
    expect(response.status).toBe(404);
    expect(response.headers.get("x-gateway-duration")).toMatch(/^\d+$/);
    expect(response.headers.get("server-timing")).toMatch(/^edge;dur=\d+$/);
  });

  it("measures with the injected clock", async () => {
    // Timing is the outermost middleware: its first reading is the start, every later one the end.
    let calls = 0;
    const { app } = await createFixture({ deps: { now: () => (calls++ === 0 ? 1000 : 1007) } });
    const response = await app.request("/health");
    expect(response.headers.get("x-gateway-duration")).toBe("7");
  });
});
