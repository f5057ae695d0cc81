import { describe, expect, it } from "vitest";
import { bearer, createFixture } from "../../../test/workerd/edge-fixture.ts";
import { manualClock } from "../../../test/workerd/manual-clock.ts";
import { signToken } from "../../../test/workerd/tokens.ts";

describe("JWKS cache under attack and rotation", () => {
  it("a cold isolate fetches the keys once for a concurrent burst", async () => {
    const fixture = await createFixture();
    const token = await signToken();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => fixture.app.request("/api/items", { headers: bearer(token) })),
    );
    for (const response of responses) expect(response.status).toBe(200);
    expect(await fixture.jwksFetches()).toBe(1);
  });

  it("100 tokens with random kids cause at most one extra fetch per jwksMinRefetchSeconds", async () => {
    const clock = manualClock();
    const fixture = await createFixture({
      jwksNow: clock.now,
      jwksMinRefetchSeconds: 1,
      jwksCacheSeconds: 600,
    });
    expect((await fixture.app.request("/api/items", { headers: bearer(await signToken()) })).status).toBe(
      200,
    );
    clock.advance(1100);
    const floods = await Promise.all(
      Array.from({ length: 100 }, () => signToken({ kid: crypto.randomUUID() })),
    );
    const concurrent = await Promise.all(
      floods.slice(0, 50).map((token) => fixture.app.request("/api/items", { headers: bearer(token) })),
    );
    for (const token of floods.slice(50)) {
      expect((await fixture.app.request("/api/items", { headers: bearer(token) })).status).toBe(401);
    }
    for (const response of concurrent) expect(response.status).toBe(401);
    expect(await fixture.jwksFetches()).toBeLessThanOrEqual(2);
    // Valid tokens keep working throughout.
    expect((await fixture.app.request("/api/items", { headers: bearer(await signToken()) })).status).toBe(
      200,
    );
  });

  it("a key the issuer removed stops verifying once the cache expires", async () => {
    const clock = manualClock();
    const fixture = await createFixture({
      jwksNow: clock.now,
      primaryKeys: "retiring.json",
      jwksCacheSeconds: 1,
      jwksMinRefetchSeconds: 1,
    });
    const retired = await signToken({ key: "late" });
    expect((await fixture.app.request("/api/items", { headers: bearer(retired) })).status).toBe(200);
    clock.advance(1100);
    expect((await fixture.app.request("/api/items", { headers: bearer(retired) })).status).toBe(401);
    expect((await fixture.app.request("/api/items", { headers: bearer(await signToken()) })).status).toBe(
      200,
    );
    expect(await fixture.jwksFetches()).toBe(2);
  });

  it("an unreachable JWKS is asked again only after a short backoff", async () => {
    const clock = manualClock();
    const fixture = await createFixture({
      jwksNow: clock.now,
      primaryKeys: "missing.json",
      jwksMinRefetchSeconds: 1,
    });
    const token = await signToken();
    for (let i = 0; i < 5; i++) {
      expect((await fixture.app.request("/api/items", { headers: bearer(token) })).status).toBe(503);
    }
    expect(await fixture.jwksFetches("missing.json")).toBe(1);
    clock.advance(1100);
    expect((await fixture.app.request("/api/items", { headers: bearer(token) })).status).toBe(503);
    expect(await fixture.jwksFetches("missing.json")).toBe(2);
  });
});
