import { describe, expect, it } from "vitest";
import { bearer, createFixture, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";
import { signToken } from "../../../test/workerd/tokens.ts";

describe("issuer clock skew default", () => {
  it("is 5 s: a token minted with a 1 s lifetime is refused once exp + 5 s has passed", async () => {
    const issuedAt = Math.floor(Date.now() / 1000);
    const token = await signToken({ key: "rs256", claims: { iat: issuedAt, exp: issuedAt + 1 } });
    let nowMs = 0;
    // The rsa issuer in the fixture config leaves clockSkewSeconds at its default.
    const { app, config } = await createFixture({ deps: { now: () => nowMs } });
    expect(config.jwt.issuers.find((issuer) => issuer.name === "rsa")?.clockSkewSeconds).toBe(5);

    nowMs = (issuedAt + 1 + 5) * 1000 - 1;
    expect((await recorded(await app.request("/api/rsa", { headers: bearer(token) }))).url).toBe("/api/rsa");

    nowMs = (issuedAt + 1 + 5) * 1000;
    const refused = await app.request("/api/rsa", { headers: bearer(token) });
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).code).toBe("invalid_token");
  });
});
