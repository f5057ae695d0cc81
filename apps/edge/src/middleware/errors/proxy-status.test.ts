import { describe, expect, inject, it } from "vitest";
import { createFixture, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";

describe("Proxy-Status (RFC 9209) on what the edge answers itself", () => {
  it.each([
    ["no route", "/nowhere", {}, 404, 'edge; error=destination_not_found; details="not_found"'],
    ["no credentials", "/api/items", {}, 401, 'edge; error=http_request_denied; details="unauthorized"'],
    [
      "a method the route does not allow",
      "/api/admin",
      { method: "DELETE" },
      405,
      'edge; error=http_request_error; details="method_not_allowed"',
    ],
    ["an invalid path", "/api/public/%00", {}, 400, 'edge; error=http_request_error; details="invalid_path"'],
  ])("%s (%s)", async (_label, path, init, status, proxyStatus) => {
    const { app } = await createFixture();
    const response = await app.request(path, init as RequestInit);
    expect(response.status).toBe(status);
    expect(response.headers.get("proxy-status")).toBe(proxyStatus);
  });

  // workerd reports a refused connection as "Network connection lost.", which names no cause.
  it("central unreachable: destination_unavailable", async () => {
    const { app } = await createFixture({ centralOrigin: inject("servers").deadOrigin });
    const response = await app.request("/api/public/x");
    expect(response.status).toBe(502);
    expect(response.headers.get("proxy-status")).toBe(
      'edge; error=destination_unavailable; details="upstream_error"',
    );
  });

  it("a response relayed from central carries none", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/public/hello");
    expect((await recorded(response)).url).toBe("/api/public/hello");
    expect(response.headers.get("proxy-status")).toBeNull();
  });

  it("central's own error keeps central's entry; the edge adds none", async () => {
    const { app } = await createFixture();
    const entry = 'central; error=destination_not_found; details="not_found"';
    const response = await app.request("/api/public/missing", {
      headers: {
        "x-test-central-reply": JSON.stringify({ status: 404, code: "not_found", proxyStatus: entry }),
      },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get("proxy-status")).toBe(entry);
    expect((await errorOf(response)).message).toBe("from central");
  });
});
