import { describe, expect, it, vi } from "vitest";
import { createFixture, errorOf } from "../../../test/workerd/edge-fixture.ts";

describe("error rendering", () => {
  it("renders an unexpected exception as a generic 500 without details", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const { app } = await createFixture({
      deps: {
        apiKeys: {
          hasCredentials: () => true,
          authenticate: async () => {
            throw new Error("db password is hunter2");
          },
        },
      },
    });
    const response = await app.request("/api/keys", { headers: { "x-request-id": "boom-1" } });
    const text = await response.clone().text();
    expect(response.status).toBe(500);
    expect(await errorOf(response)).toEqual({
      code: "internal_error",
      message: "internal error",
      requestId: "boom-1",
    });
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("at ");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(logged.mock.calls.flat().join(" ")).toContain("boom-1");
    logged.mockRestore();
  });

  it("uses the one JSON shape for every gateway error", async () => {
    const { app } = await createFixture();
    const response = await app.request("/nowhere", { headers: { "x-request-id": "nf-1" } });
    expect(await response.json()).toEqual({
      error: { code: "not_found", message: "no route matches this path", requestId: "nf-1" },
    });
  });
});
