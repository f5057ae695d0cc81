import type { Server } from "node:http";
import { join } from "node:path";
import { closeServer, listen } from "@gateway/testing";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIssuer, type TokenResponse } from "../src/issuer.ts";
import { loadOrCreateIssuerKeys } from "../src/key-file.ts";
import { createIssuerServer } from "../src/server.ts";
import { tempDir } from "./harness.ts";

const ISS = "https://dev-issuer.test";
let baseUrl: string;
let server: Server;
let dir: Awaited<ReturnType<typeof tempDir>>;
const logs: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  dir = await tempDir();
  const keys = await loadOrCreateIssuerKeys(join(dir.path, "keys.json"));
  server = createIssuerServer({
    issuer: createIssuer({ issuer: ISS, audience: "gateway-api", keys }),
    logger: (entry) => logs.push(entry),
  });
  ({ url: baseUrl } = await listen(server));
});
afterAll(async () => {
  await closeServer(server);
  await dir.remove();
});

function postToken(body: unknown) {
  return fetch(`${baseUrl}/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("demo-issuer HTTP server", () => {
  it("answers /healthz", async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("serves discovery metadata pointing at its own JWKS", async () => {
    const response = await fetch(`${baseUrl}/.well-known/openid-configuration`);
    expect(await response.json()).toMatchObject({
      issuer: ISS,
      jwks_uri: `${baseUrl}/.well-known/jwks.json`,
      token_endpoint: `${baseUrl}/token`,
    });
  });

  it("serves public ES256 keys only", async () => {
    const response = await fetch(`${baseUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({
      kty: "EC",
      crv: "P-256",
      alg: "ES256",
      use: "sig",
      kid: expect.any(String),
    });
    expect(keys[0]).not.toHaveProperty("d");
  });

  it("POST /token returns a JWT that verifies against the served JWKS", async () => {
    const response = await postToken({
      sub: "alice",
      roles: ["admin", "ops"],
      scopes: ["users:read", "users:write"],
      ttlSeconds: 600,
      tenant: "acme",
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenResponse;
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 600, access_token: expect.any(String) });

    const jwks = createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(body.access_token, jwks, {
      issuer: ISS,
      audience: "gateway-api",
      algorithms: ["ES256"],
    });
    expect(protectedHeader).toMatchObject({ alg: "ES256", typ: "JWT" });
    expect(payload).toMatchObject({
      sub: "alice",
      roles: ["admin", "ops"],
      scope: "users:read users:write",
      tenant: "acme",
      jti: expect.any(String),
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(600);
  });

  it("defaults to one hour and allows an audience override", async () => {
    const response = await postToken({ sub: "bob", audience: "other-api" });
    const body = (await response.json()) as TokenResponse;
    expect(body.expires_in).toBe(3600);
    const jwks = createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`));
    await expect(jwtVerify(body.access_token, jwks, { audience: "gateway-api" })).rejects.toThrow(/aud/);
    const { payload } = await jwtVerify(body.access_token, jwks, { audience: "other-api" });
    expect(payload).toMatchObject({ sub: "bob", roles: [], scope: "" });
    expect(decodeProtectedHeader(body.access_token).kid).toEqual(expect.any(String));
  });

  it.each([
    ["no sub", {}, '"sub"'],
    ["a ttl over a day", { sub: "a", ttlSeconds: 86_401 }, '"ttlSeconds"'],
    ["a non-array roles", { sub: "a", roles: "admin" }, '"roles"'],
    ["a typo'd field", { sub: "a", scope: "x" }, '"scope"'],
  ])("rejects %s with 400", async (_case, body, mentioned) => {
    const response = await postToken(body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error).toMatchObject({ code: "bad_request", requestId: expect.any(String) });
    expect(error.message).toContain(mentioned);
  });

  it("rejects non-JSON bodies, wrong methods and unknown paths", async () => {
    const form = await fetch(`${baseUrl}/token`, { method: "POST", body: "sub=a" });
    expect(form.status).toBe(415);
    expect((await fetch(`${baseUrl}/token`)).status).toBe(405);
    expect((await fetch(`${baseUrl}/nope`)).status).toBe(404);
  });

  it("logs one JSON line per request with the request id", async () => {
    await fetch(`${baseUrl}/healthz`, { headers: { "x-request-id": "issuer-req-1" } });
    await expect
      .poll(() => logs.find((line) => line.requestId === "issuer-req-1"))
      .toMatchObject({ service: "demo-issuer", method: "GET", path: "/healthz", status: 200 });
  });
});
