import { describe, expect, it } from "vitest";
import { bearer, createFixture, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";
import {
  AUDIENCE,
  hs256Token,
  PRIMARY_ISSUER,
  signToken,
  unsecuredToken,
} from "../../../test/workerd/tokens.ts";

const CHALLENGE = 'Bearer realm="gateway"';

async function expectInvalidToken(response: Response, description: string): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toBe(
    `${CHALLENGE}, error="invalid_token", error_description="${description}"`,
  );
  expect(await errorOf(response)).toMatchObject({ code: "invalid_token", message: description });
}

describe("JWT authentication", () => {
  it("401 unauthorized with a Bearer challenge when the token is missing", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/items", { headers: { "x-request-id": "req-1" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(CHALLENGE);
    expect(await errorOf(response)).toEqual({
      code: "unauthorized",
      message: "missing bearer token",
      requestId: "req-1",
    });
  });

  it("401 unauthorized for another Authorization scheme", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/items", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("unauthorized");
  });

  it("rejects a malformed token", async () => {
    const { app } = await createFixture();
    await expectInvalidToken(
      await app.request("/api/items", { headers: bearer("not-a-jwt") }),
      "malformed token",
    );
  });

  it("rejects an expired token", async () => {
    const { app } = await createFixture();
    const token = await signToken({ expiresInSeconds: -10 });
    await expectInvalidToken(await app.request("/api/items", { headers: bearer(token) }), "token expired");
  });

  it("rejects a token that is not valid yet", async () => {
    const { app } = await createFixture();
    const token = await signToken({ claims: { nbf: Math.floor(Date.now() / 1000) + 120 } });
    await expectInvalidToken(
      await app.request("/api/items", { headers: bearer(token) }),
      "token claim nbf is invalid",
    );
  });

  it("rejects a token for another audience", async () => {
    const { app } = await createFixture();
    const token = await signToken({ claims: { aud: "someone-else" } });
    await expectInvalidToken(
      await app.request("/api/items", { headers: bearer(token) }),
      "token claim aud is invalid",
    );
  });

  it("rejects a token from an unknown issuer", async () => {
    const { app } = await createFixture();
    const token = await signToken({ claims: { iss: "https://evil.example" } });
    await expectInvalidToken(
      await app.request("/api/items", { headers: bearer(token) }),
      "token issuer is not accepted here",
    );
  });

  it("rejects an RS256 token claiming the ES256-only issuer", async () => {
    const { app } = await createFixture();
    const token = await signToken({ key: "rs256", claims: { iss: PRIMARY_ISSUER } });
    await expectInvalidToken(
      await app.request("/api/items", { headers: bearer(token) }),
      "token algorithm is not allowed",
    );
  });

  it("rejects alg none", async () => {
    const { app } = await createFixture();
    await expectInvalidToken(
      await app.request("/api/items", { headers: bearer(unsecuredToken()) }),
      "token algorithm is not allowed",
    );
  });

  it("rejects HS256 signed with the public key (key confusion)", async () => {
    const { app } = await createFixture();
    await expectInvalidToken(
      await app.request("/api/items", { headers: bearer(await hs256Token()) }),
      "token algorithm is not allowed",
    );
  });

  it("rejects an oversize token before parsing it or fetching keys", async () => {
    const fixture = await createFixture();
    const token = await signToken({ claims: { padding: "x".repeat(3000) } });
    await expectInvalidToken(
      await fixture.app.request("/api/items", { headers: bearer(token) }),
      "token too large",
    );
    expect(await fixture.jwksFetches()).toBe(0);
  });

  for (const param of ["jku", "x5u", "jwk", "crit"]) {
    it(`rejects a token with header parameter ${param}`, async () => {
      const { app } = await createFixture();
      const header =
        param === "crit"
          ? { crit: ["b64"], b64: true }
          : { [param]: param === "jwk" ? { kty: "EC" } : "https://evil.example/keys" };
      const token = await signToken({ header });
      await expectInvalidToken(
        await app.request("/api/items", { headers: bearer(token) }),
        `token header parameter ${param} is not allowed`,
      );
    });
  }

  it("rejects a token with a tampered payload", async () => {
    const { app } = await createFixture();
    const [header, , signature] = (await signToken()).split(".");
    const payload = btoa(
      JSON.stringify({ iss: PRIMARY_ISSUER, aud: AUDIENCE, sub: "admin", exp: 9999999999 }),
    )
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    await expectInvalidToken(
      await app.request("/api/items", { headers: bearer(`${header}.${payload}.${signature}`) }),
      "token signature is invalid",
    );
  });

  it("rejects a token signed by a key the issuer never published", async () => {
    const { app } = await createFixture();
    const token = await signToken({ key: "ghost" });
    await expectInvalidToken(
      await app.request("/api/items", { headers: bearer(token) }),
      "no key matches the token",
    );
  });

  it("rejects a token without sub", async () => {
    const { app } = await createFixture();
    const token = await signToken({ claims: { sub: undefined } });
    await expectInvalidToken(
      await app.request("/api/items", { headers: bearer(token) }),
      "token claim sub is invalid",
    );
  });

  it("accepts the route's issuer only: RS256 issuer on its route, primary issuer refused there", async () => {
    const { app } = await createFixture();
    const rsaToken = await signToken({ key: "rs256" });
    const seen = await recorded(await app.request("/api/rsa", { headers: bearer(rsaToken) }));
    expect(seen.identity).toMatchObject({ ok: true, claims: { sub: "user-1", auth: "jwt" } });
    await expectInvalidToken(
      await app.request("/api/rsa", { headers: bearer(await signToken()) }),
      "token issuer is not accepted here",
    );
  });

  it("answers 503 when the issuer's keys cannot be fetched", async () => {
    const { app } = await createFixture({ primaryKeys: "missing.json" });
    const response = await app.request("/api/items", { headers: bearer(await signToken()) });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe("service_unavailable");
  });
});

describe("other auth modes", () => {
  it("public routes forward an anonymous identity", async () => {
    const { app } = await createFixture();
    const seen = await recorded(await app.request("/api/public/x"));
    expect(seen.identity).toMatchObject({
      ok: true,
      claims: { sub: "anonymous", auth: "anonymous", roles: [], scopes: [] },
    });
  });

  it("api_key routes refuse a malformed key as invalid (the key tests are in src/api-keys)", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/keys", { headers: { "x-api-key": "k-123" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('ApiKey realm="gateway", error="invalid_api_key"');
    expect(await errorOf(response)).toMatchObject({
      code: "invalid_api_key",
      message: "API key is not valid",
    });
  });

  it("any routes accept a JWT", async () => {
    const { app } = await createFixture();
    const seen = await recorded(await app.request("/api/either", { headers: bearer(await signToken()) }));
    expect(seen.identity).toMatchObject({ ok: true, claims: { auth: "jwt" } });
  });

  it("any routes take an API key when one is sent and ask for credentials when there are none", async () => {
    const { app } = await createFixture();
    const withKey = await app.request("/api/either", { headers: { "x-api-key": "k-123" } });
    expect(await errorOf(withKey)).toMatchObject({ code: "invalid_api_key" });
    const without = await app.request("/api/either");
    expect(without.status).toBe(401);
    expect(without.headers.get("www-authenticate")).toBe(CHALLENGE);
  });
});
