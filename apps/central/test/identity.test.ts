import { createHmacIdentitySigner, generateHopSecret } from "@gateway/identity";
import { IDENTITY_HEADER } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { useCentralWithUpstream } from "./support/central-with-upstream.ts";
import { testConfigYaml } from "./support/config.ts";
import { ALICE, type CentralUnderTest, startCentral } from "./support/harness.ts";
import { rawRequest, statusLine } from "./support/raw-http.ts";
import type { RecordingUpstream } from "./support/upstream.ts";

let upstream: RecordingUpstream;
let central: CentralUnderTest;
useCentralWithUpstream((started) => {
  ({ upstream, central } = started);
});

async function expectError(response: Response, status: number, code: string): Promise<{ message: string }> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.requestId).toBe(response.headers.get("x-request-id"));
  return body.error;
}

describe("health endpoints", () => {
  it("answer without an identity token", async () => {
    const health = await fetch(`${central.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${central.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: ["redis"] });
    expect(upstream.requests).toHaveLength(0);
  });
});

describe("the edge identity token", () => {
  it("is required: missing → 401 unauthorized", async () => {
    const error = await expectError(await fetch(`${central.url}/api/users`), 401, "unauthorized");
    expect(error.message).toMatch(/identity token required/);
  });

  it("must be signed by a known edge key: forged → 401 invalid_identity", async () => {
    // Same kid as central's key, another secret.
    const forger = await createHmacIdentitySigner({
      secretJwk: generateHopSecret("edge-test"),
      issuer: "edge",
      ttlSeconds: 30,
    });
    const token = await forger.sign({
      identity: ALICE,
      audience: "central",
      method: "GET",
      pathAndQuery: "/api/users",
    });
    const error = await expectError(
      await fetch(`${central.url}/api/users`, { headers: { [IDENTITY_HEADER]: token } }),
      401,
      "invalid_identity",
    );
    expect(error.message).toBe("identity token signature is not valid");
  });

  it("rejects garbage and tampered tokens", async () => {
    const garbage = await fetch(`${central.url}/api/users`, {
      headers: { [IDENTITY_HEADER]: "not-a-token" },
    });
    expect((await expectError(garbage, 401, "invalid_identity")).message).toBe("identity token is malformed");

    const token = await central.mint("GET", "/api/users", { roles: ["user"] });
    const [header, , signature] = token.split(".");
    const payload = Buffer.from(JSON.stringify({ ...ALICE, roles: ["admin"] })).toString("base64url");
    const tampered = await fetch(`${central.url}/api/users`, {
      headers: { [IDENTITY_HEADER]: `${header}.${payload}.${signature}` },
    });
    await expectError(tampered, 401, "invalid_identity");
  });

  it("must not be expired", async () => {
    const past = await createHmacIdentitySigner({
      secretJwk: central.edgeHopSecret,
      issuer: "edge",
      ttlSeconds: 30,
      now: () => Date.now() - 120_000,
    });
    const token = await past.sign({
      identity: ALICE,
      audience: "central",
      method: "GET",
      pathAndQuery: "/api/users",
    });
    const error = await expectError(
      await fetch(`${central.url}/api/users`, { headers: { [IDENTITY_HEADER]: token } }),
      401,
      "invalid_identity",
    );
    expect(error.message).toMatch(/expired/);
  });

  it("must be bound to this method and raw target", async () => {
    const forGet = await central.mint("GET", "/api/users/1");
    const wrongMethod = await fetch(`${central.url}/api/users/1`, {
      method: "POST",
      headers: { [IDENTITY_HEADER]: forGet },
    });
    expect((await expectError(wrongMethod, 401, "invalid_identity")).message).toBe(
      "identity token does not match this request",
    );
    const forOtherPath = await central.mint("GET", "/api/users/1");
    const wrongPath = await fetch(`${central.url}/api/users/2`, {
      headers: { [IDENTITY_HEADER]: forOtherPath },
    });
    await expectError(wrongPath, 401, "invalid_identity");
    const forOtherQuery = await central.mint("GET", "/api/users/1?page=1");
    const wrongQuery = await fetch(`${central.url}/api/users/1?page=2`, {
      headers: { [IDENTITY_HEADER]: forOtherQuery },
    });
    await expectError(wrongQuery, 401, "invalid_identity");
  });

  it("must be for central from the edge (audience and issuer)", async () => {
    const wrongAudience = await central.edgeSigner.sign({
      identity: ALICE,
      audience: "users",
      method: "GET",
      pathAndQuery: "/api/users",
    });
    await expectError(
      await fetch(`${central.url}/api/users`, { headers: { [IDENTITY_HEADER]: wrongAudience } }),
      401,
      "invalid_identity",
    );
  });

  it("is accepted once: a replay is rejected (jti remembered in Redis)", async () => {
    const token = await central.mint("GET", "/api/users/once");
    const first = await fetch(`${central.url}/api/users/once`, { headers: { [IDENTITY_HEADER]: token } });
    expect(first.status).toBe(200);
    const replay = await fetch(`${central.url}/api/users/once`, { headers: { [IDENTITY_HEADER]: token } });
    expect((await expectError(replay, 401, "invalid_identity")).message).toBe(
      "identity token has already been used",
    );
  });

  it("a rejected upload is not read to the end: 401 with Connection: close", async () => {
    const started = Date.now();
    const response = await rawRequest(
      central.port,
      "POST /api/users HTTP/1.1\r\nHost: c\r\nContent-Length: 100000000\r\n\r\npartial body",
    );
    expect(statusLine(response)).toBe("HTTP/1.1 401 Unauthorized");
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("is rejected before any upstream is contacted", async () => {
    const before = upstream.requests.length;
    await fetch(`${central.url}/api/users`, { headers: { [IDENTITY_HEADER]: "x.y.z" } });
    expect(upstream.requests.length).toBe(before);
  });

  it("sends no framework fingerprint headers", async () => {
    const response = await fetch(`${central.url}/api/users`);
    expect(response.headers.get("x-powered-by")).toBeNull();
    expect(response.headers.get("server")).toBeNull();
  });

  it("generates a request id when the incoming one is not sane", async () => {
    const response = await fetch(`${central.url}/healthz`, {
      headers: { "x-request-id": "bad id\twith stuff" },
    });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("without Redis", () => {
  it("replay protection still holds within the replica (in-memory store)", async () => {
    const single = await startCentral({
      yaml: testConfigYaml({ upstream: upstream.url, downUpstream: upstream.url }),
      redis: "none",
    });
    try {
      const token = await single.mint("GET", "/api/users");
      expect((await fetch(`${single.url}/api/users`, { headers: { [IDENTITY_HEADER]: token } })).status).toBe(
        200,
      );
      expect((await fetch(`${single.url}/api/users`, { headers: { [IDENTITY_HEADER]: token } })).status).toBe(
        401,
      );
      const ready = await fetch(`${single.url}/readyz`);
      expect(await ready.json()).toEqual({ status: "ready", checks: [] });
    } finally {
      await single.close();
    }
  });
});
