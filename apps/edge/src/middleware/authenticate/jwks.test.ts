import { describe, expect, it } from "vitest";
import { bearer, createFixture } from "../../../test/workerd/edge-fixture.ts";
import { manualClock } from "../../../test/workerd/manual-clock.ts";
import { signToken } from "../../../test/workerd/tokens.ts";

describe("JWKS cache", () => {
  it("fetches the issuer's keys once for many requests, concurrent or not", async () => {
    const fixture = await createFixture();
    const token = await signToken();
    // Warmed by one request first; the cold burst is covered in jwks-cache.test.ts.
    expect((await fixture.app.request("/api/items", { headers: bearer(token) })).status).toBe(200);
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () => fixture.app.request("/api/items", { headers: bearer(token) })),
    );
    for (const response of concurrent) expect(response.status).toBe(200);
    for (let i = 0; i < 10; i++) {
      expect((await fixture.app.request("/api/items", { headers: bearer(await signToken()) })).status).toBe(
        200,
      );
    }
    expect(await fixture.jwksFetches()).toBe(1);
  });

  it("does not refetch for unknown kids within the minimum refetch interval", async () => {
    const fixture = await createFixture();
    expect((await fixture.app.request("/api/items", { headers: bearer(await signToken()) })).status).toBe(
      200,
    );
    const ghost = await signToken({ key: "ghost" });
    for (let i = 0; i < 5; i++) {
      expect((await fixture.app.request("/api/items", { headers: bearer(ghost) })).status).toBe(401);
    }
    expect(await fixture.jwksFetches()).toBe(1);
  });

  it("picks up a rotated-in key with at most one refetch per interval", async () => {
    const clock = manualClock();
    const fixture = await createFixture({
      jwksNow: clock.now,
      primaryKeys: "rotating.json",
      jwksMinRefetchSeconds: 1,
    });
    expect((await fixture.app.request("/api/items", { headers: bearer(await signToken()) })).status).toBe(
      200,
    );
    const late = await signToken({ key: "late" });
    // Published only from the second fetch on, and the first fetch was just now: still unknown.
    expect((await fixture.app.request("/api/items", { headers: bearer(late) })).status).toBe(401);
    expect(await fixture.jwksFetches()).toBe(1);

    clock.advance(1100);
    expect((await fixture.app.request("/api/items", { headers: bearer(late) })).status).toBe(200);
    expect(await fixture.jwksFetches()).toBe(2);

    const ghost = await signToken({ key: "ghost" });
    const attempts = await Promise.all(
      Array.from({ length: 5 }, () => fixture.app.request("/api/items", { headers: bearer(ghost) })),
    );
    for (const response of attempts) expect(response.status).toBe(401);
    expect(await fixture.jwksFetches()).toBe(2);
  });
});
