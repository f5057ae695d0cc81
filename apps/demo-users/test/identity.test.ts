import { createIdentitySigner, generateIdentityKeyPair } from "@gateway/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, type Harness, startDemoUsers } from "./harness.ts";

let demo: Harness;
beforeAll(async () => {
  demo = await startDemoUsers();
});
afterAll(() => demo.close());

async function expectInvalidIdentity(response: Response, requestId?: string) {
  expect(response.status).toBe(401);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = await response.json();
  expect(body).toEqual({
    error: {
      code: "invalid_identity",
      message: expect.any(String),
      requestId: requestId ?? expect.any(String),
    },
  });
  return body.error.message as string;
}

describe("demo-users identity checks", () => {
  it("answers /healthz without any identity", async () => {
    const response = await fetch(`${demo.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("rejects a request without an identity token, echoing the request id", async () => {
    const response = await fetch(`${demo.baseUrl}/users`, { headers: { "x-request-id": "req-missing-1" } });
    await expectInvalidIdentity(response, "req-missing-1");
    expect(response.headers.get("x-request-id")).toBe("req-missing-1");
    expect(demo.logs.find((line) => line.requestId === "req-missing-1")).toMatchObject({
      status: 401,
      identityFailure: "missing",
    });
  });

  it("rejects unknown routes before revealing they do not exist", async () => {
    await expectInvalidIdentity(await fetch(`${demo.baseUrl}/nothing-here`));
  });

  it("rejects a token signed by a key it does not trust, even with the trusted kid", async () => {
    const impostor = await generateIdentityKeyPair("central-test-1");
    const signer = await createIdentitySigner({
      privateJwk: impostor.privateJwk,
      issuer: "central",
      ttlSeconds: 30,
    });
    const token = await signer.sign({
      identity: ALICE,
      audience: "users",
      method: "GET",
      pathAndQuery: "/users",
    });
    await expectInvalidIdentity(
      await fetch(`${demo.baseUrl}/users`, { headers: { "x-gateway-identity": token } }),
    );
  });

  it("rejects a tampered token", async () => {
    const token = await demo.identityFor("GET", "/users");
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ["admin"] })).toString("base64url");
    const response = await fetch(`${demo.baseUrl}/users`, {
      headers: { "x-gateway-identity": `${header}.${forged}.${signature}` },
    });
    await expectInvalidIdentity(response);
  });

  it("rejects a valid token replayed against another path or method", async () => {
    const token = await demo.identityFor("GET", "/users/u1");
    const otherPath = await fetch(`${demo.baseUrl}/users/u2`, { headers: { "x-gateway-identity": token } });
    await expectInvalidIdentity(otherPath);
    const otherQuery = await fetch(`${demo.baseUrl}/users/u1?x=1`, {
      headers: { "x-gateway-identity": token },
    });
    await expectInvalidIdentity(otherQuery);
    const otherMethod = await fetch(`${demo.baseUrl}/users/u1`, {
      method: "DELETE",
      headers: { "x-gateway-identity": token },
    });
    await expectInvalidIdentity(otherMethod);
  });

  it("rejects a token for another audience or from the edge tier", async () => {
    const wrongAudience = await demo.identityFor("GET", "/users", {}, "orders");
    await expectInvalidIdentity(
      await fetch(`${demo.baseUrl}/users`, { headers: { "x-gateway-identity": wrongAudience } }),
    );
    const edge = await demo.signerWith({ issuer: "edge" });
    const edgeToken = await edge.sign({
      identity: ALICE,
      audience: "users",
      method: "GET",
      pathAndQuery: "/users",
    });
    await expectInvalidIdentity(
      await fetch(`${demo.baseUrl}/users`, { headers: { "x-gateway-identity": edgeToken } }),
    );
  });

  it("rejects an expired token", async () => {
    const past = await demo.signerWith({ ttlSeconds: 30, now: () => Date.now() - 120_000 });
    const token = await past.sign({
      identity: ALICE,
      audience: "users",
      method: "GET",
      pathAndQuery: "/users",
    });
    await expectInvalidIdentity(
      await fetch(`${demo.baseUrl}/users`, { headers: { "x-gateway-identity": token } }),
    );
  });

  it("accepts a token central signed for this exact method and target", async () => {
    const response = await demo.call("/users", { headers: { "x-request-id": "req-ok-1" } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.users.map((user: { id: string }) => user.id)).toEqual(expect.arrayContaining(["u1", "u2"]));
    expect(demo.logs.find((line) => line.requestId === "req-ok-1")).toMatchObject({
      service: "demo-users",
      method: "GET",
      path: "/users",
      status: 200,
      sub: "alice",
    });
  });
});

describe("demo-users with several audiences", () => {
  it("accepts any configured audience and still rejects others", async () => {
    const multi = await startDemoUsers(["users", "accounts"]);
    try {
      for (const audience of ["users", "accounts"]) {
        const token = await multi.identityFor("GET", "/users/me", {}, audience);
        const response = await fetch(`${multi.baseUrl}/users/me`, {
          headers: { "x-gateway-identity": token },
        });
        expect(response.status).toBe(200);
        expect((await response.json()).identity.aud).toBe(audience);
      }
      const token = await multi.identityFor("GET", "/users/me", {}, "orders");
      const response = await fetch(`${multi.baseUrl}/users/me`, { headers: { "x-gateway-identity": token } });
      await expectInvalidIdentity(response);
    } finally {
      await multi.close();
    }
  });
});
