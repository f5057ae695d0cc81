import { describe, expect, it } from "vitest";
import { bearer, createFixture, recorded } from "../../../test/workerd/edge-fixture.ts";
import { signToken } from "../../../test/workerd/tokens.ts";

describe("client credentials stop at the edge", () => {
  it("removes the verified Authorization header; the identity token replaces it", async () => {
    const { app } = await createFixture();
    const seen = await recorded(await app.request("/api/items/1", { headers: bearer(await signToken()) }));
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.identity).toMatchObject({ ok: true, claims: { sub: "user-1", auth: "jwt" } });
  });

  it("keeps Authorization on a route with forwardAuthorization: true", async () => {
    const { app } = await createFixture();
    const token = await signToken();
    const seen = await recorded(await app.request("/api/passthrough", { headers: bearer(token) }));
    expect(seen.headers.authorization).toBe(`Bearer ${token}`);
  });

  it("does not forward an Authorization header sent to a public route either", async () => {
    const { app } = await createFixture();
    const seen = await recorded(
      await app.request("/api/public/x", { headers: { authorization: "Basic dXNlcjpwYXNz" } }),
    );
    expect(seen.headers.authorization).toBeUndefined();
  });

  it("passes Cookie through (services may use their own sessions)", async () => {
    const { app } = await createFixture();
    const seen = await recorded(
      await app.request("/api/items/1", {
        headers: { ...bearer(await signToken()), cookie: "sid=abc; theme=dark" },
      }),
    );
    expect(seen.headers.cookie).toBe("sid=abc; theme=dark");
  });
});

describe("central's response headers", () => {
  it("loses hop-by-hop headers (also those central names in Connection), banners and CORS headers", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/public/noisy");
    expect(response.headers.get("x-central")).toBe("yes");
    for (const name of [
      "connection",
      "x-central-hop",
      "keep-alive",
      "server",
      "x-powered-by",
      "access-control-allow-origin",
      "access-control-allow-credentials",
    ]) {
      expect(response.headers.get(name), name).toBeNull();
    }
  });
});
