import { STRICT_TRANSPORT_SECURITY } from "@gateway/types";
import { describe, expect, it, vi } from "vitest";
import { createFixture, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";

describe("security headers", () => {
  it("HSTS on gateway responses served over https", async () => {
    const { app } = await createFixture();
    const response = await app.request("https://api.example/nowhere");
    expect(response.status).toBe(404);
    expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("HSTS on proxied responses over https too, but not central's other headers policy", async () => {
    const { app } = await createFixture();
    const response = await app.request("https://api.example/api/public/x");
    expect(response.headers.get("strict-transport-security")).toBe(STRICT_TRANSPORT_SECURITY);
    expect(response.headers.get("content-security-policy")).toBeNull();
    expect((await recorded(response)).identity).toMatchObject({ ok: true, claims: { xfp: "https" } });
  });

  it("no HSTS over plain http (browsers ignore it there)", async () => {
    const { app } = await createFixture();
    const response = await app.request("http://api.example/nowhere");
    expect(response.headers.get("strict-transport-security")).toBeNull();
  });

  it("never sends a Server header, neither its own nor central's", async () => {
    const { app } = await createFixture();
    for (const path of ["/nowhere", "/health", "/api/public/noisy"]) {
      expect((await app.request(path)).headers.get("server"), path).toBeNull();
    }
  });

  it("a throwing handler becomes a 500 with no stack trace and all security headers", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const { app } = await createFixture({
      deps: {
        apiKeys: {
          hasCredentials: () => true,
          authenticate: async () => {
            throw new TypeError("Cannot read properties of undefined (reading 'secret')");
          },
        },
      },
    });
    const response = await app.request("https://api.example/api/keys");
    const text = await response.clone().text();
    expect(response.status).toBe(500);
    expect((await errorOf(response)).message).toBe("internal error");
    expect(text).not.toMatch(/TypeError|secret|\.ts:\d+|at [A-Za-z]/);
    expect(response.headers.get("strict-transport-security")).toBe(STRICT_TRANSPORT_SECURITY);
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(response.headers.get("server")).toBeNull();
    logged.mockRestore();
  });
});
