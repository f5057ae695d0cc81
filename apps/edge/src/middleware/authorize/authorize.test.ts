import { describe, expect, it } from "vitest";
import { bearer, createFixture, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";
import { signToken } from "../../../test/workerd/tokens.ts";

describe("authorize", () => {
  it("403 forbidden without a required role", async () => {
    const { app } = await createFixture();
    const token = await signToken({ claims: { roles: ["reader"] } });
    const response = await app.request("/api/admin", { headers: bearer(token) });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({
      code: "forbidden",
      message: "a required role is missing",
    });
  });

  it("lets a caller with the role through", async () => {
    const { app } = await createFixture();
    const token = await signToken({ claims: { roles: ["reader", "admin"] } });
    const seen = await recorded(await app.request("/api/admin/users", { headers: bearer(token) }));
    expect(seen.identity).toMatchObject({ ok: true, claims: { roles: ["reader", "admin"] } });
  });

  it("403 with insufficient_scope without a required scope", async () => {
    const { app } = await createFixture();
    const token = await signToken({ claims: { scope: "items:read" } });
    const response = await app.request("/api/write", { method: "POST", headers: bearer(token) });
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBe(
      'Bearer realm="gateway", error="insufficient_scope"',
    );
    expect((await errorOf(response)).code).toBe("forbidden");
  });

  it("reads scopes from a space-separated string or an array", async () => {
    const { app } = await createFixture();
    for (const scope of ["items:read items:write", ["items:write"]]) {
      const token = await signToken({ claims: { scope } });
      const response = await app.request("/api/write", { method: "POST", headers: bearer(token) });
      expect((await recorded(response)).identity.ok).toBe(true);
    }
  });
});
