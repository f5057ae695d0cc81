import { describe, expect, it } from "vitest";
import { bearer, createFixture, errorOf } from "../../../test/workerd/edge-fixture.ts";
import { signToken } from "../../../test/workerd/tokens.ts";

function base64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

async function rejection(token: string, fixture?: Awaited<ReturnType<typeof createFixture>>) {
  const { app } = fixture ?? (await createFixture());
  const response = await app.request("/api/items", { headers: bearer(token) });
  expect(response.status).toBe(401);
  return (await errorOf(response)).message;
}

describe("JWT hardening", () => {
  it("refuses a JWE (five segments) before decoding it or fetching keys", async () => {
    const fixture = await createFixture();
    const jwe = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn";
    expect(await rejection(jwe, fixture)).toBe("encrypted tokens (JWE) are not accepted");
    expect(await fixture.jwksFetches()).toBe(0);
  });

  it("refuses tokens that are not three base64url segments", async () => {
    const valid = await signToken();
    for (const token of [
      `${valid}.extra`,
      valid.replace(".", ".."),
      `${valid.slice(0, 20)}+/=${valid.slice(23)}`,
    ]) {
      expect(await rejection(token), token).toBe("malformed token");
    }
  });

  for (const [param, value] of [
    ["x5c", ["MIIB..."]],
    ["b64", false],
    ["zip", "DEF"],
  ] as const) {
    it(`refuses header parameter ${param}`, async () => {
      expect(await rejection(await signToken({ header: { [param]: value } }))).toBe(
        `token header parameter ${param} is not allowed`,
      );
    });
  }

  it("refuses an unknown crit extension", async () => {
    // jose will not sign with an extension it does not know, so the header is swapped in by hand.
    const [, payload, signature] = (await signToken()).split(".");
    const header = base64url({ alg: "ES256", kid: "es-1", crit: ["urn:example:ext"], "urn:example:ext": 1 });
    expect(await rejection(`${header}.${payload}.${signature}`)).toBe(
      "token header parameter crit is not allowed",
    );
  });

  it("refuses a kid that is not a short string", async () => {
    expect(await rejection(await signToken({ header: { kid: 7 }, kid: 7 as unknown as string }))).toBe(
      "token header parameter kid is invalid",
    );
    expect(await rejection(await signToken({ kid: "k".repeat(300) }))).toBe(
      "token header parameter kid is invalid",
    );
  });

  it("measures maxTokenBytes before decoding: an oversize garbage token is refused as too large", async () => {
    const fixture = await createFixture();
    // Larger than every issuer's maxTokenBytes (2048, 4096): refused before the issuer is even known.
    expect(await rejection(`${"a".repeat(5000)}.b.c`, fixture)).toBe("token too large");
    expect(await fixture.jwksFetches()).toBe(0);
  });
});
