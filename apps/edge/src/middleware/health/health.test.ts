import { describe, expect, it } from "vitest";
import { createFixture } from "../../../test/workerd/edge-fixture.ts";

describe("GET /health", () => {
  it("answers without credentials and without calling central", async () => {
    const { app } = await createFixture({ centralOrigin: "http://127.0.0.1:1" });
    const response = await app.request("/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", tier: "edge" });
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers HEAD with the same status and no body", async () => {
    const { app } = await createFixture();
    const response = await app.request("/health", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });
});
