import type { AddressInfo } from "node:net";
import { errorBody, type IdentityClaims } from "@gateway/types";
import express, { type ErrorRequestHandler } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireGatewayIdentity } from "../src/express.ts";
import {
  createIdentitySigner,
  createIdentityVerifier,
  createMemoryReplayStore,
  generateIdentityKeyPair,
  type IdentitySigner,
} from "../src/index.ts";
import { ALICE } from "./helpers.ts";

type Server = ReturnType<ReturnType<typeof express>["listen"]>;

describe("requireGatewayIdentity through a real Express server", () => {
  let server: Server;
  let baseUrl: string;
  let signer: IdentitySigner;

  beforeAll(async () => {
    const { privateJwk, publicJwk } = await generateIdentityKeyPair("svc-1");
    signer = await createIdentitySigner({ privateJwk, issuer: "central", ttlSeconds: 30 });
    const verifier = await createIdentityVerifier({
      publicKeys: { keys: [publicJwk] },
      audience: "users-service",
      issuers: ["central"],
      clockSkewSeconds: 5,
      replayStore: createMemoryReplayStore(),
    });
    const failingStore = await createIdentityVerifier({
      publicKeys: { keys: [publicJwk] },
      audience: "users-service",
      issuers: ["central"],
      clockSkewSeconds: 5,
      replayStore: {
        remember: async () => {
          throw new Error("replay store unreachable");
        },
      },
    });

    const app = express();
    const echo: express.RequestHandler = (req, res) => {
      res.json({ fromRequest: req.gatewayIdentity, fromLocals: res.locals.identity as IdentityClaims });
    };
    app.get("/v1/users", requireGatewayIdentity({ verifier }), echo);
    app.post("/custom", requireGatewayIdentity({ verifier, headerName: "X-Service-Identity" }), echo);
    const mounted = express.Router();
    mounted.get("/orders", requireGatewayIdentity({ verifier }), echo);
    app.use("/shop", mounted);
    app.get("/strict", requireGatewayIdentity({ verifier: failingStore }), echo);
    const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => {
      res.status(500).json({ caught: error.message });
    };
    app.use(onError);

    await new Promise<void>((resolve) => {
      server = app.listen(0, "127.0.0.1", () => resolve());
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const tokenFor = (method: string, pathAndQuery: string) =>
    signer.sign({ identity: ALICE, audience: "users-service", method, pathAndQuery });

  it("passes a valid token through and exposes the claims on req and res.locals", async () => {
    const token = await tokenFor("GET", "/v1/users?limit=5");
    const response = await fetch(`${baseUrl}/v1/users?limit=5`, { headers: { "x-gateway-identity": token } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { fromRequest: IdentityClaims; fromLocals: IdentityClaims };
    expect(body.fromRequest).toMatchObject({
      sub: ALICE.sub,
      roles: ALICE.roles,
      iss: "central",
      htm: "GET",
    });
    expect(body.fromLocals).toEqual(body.fromRequest);
  });

  it("answers 401 in the gateway error shape, echoing x-request-id", async () => {
    const response = await fetch(`${baseUrl}/v1/users`, { headers: { "x-request-id": "req-123" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(
      errorBody("invalid_identity", "identity token is missing", "req-123"),
    );
  });

  it("generates a request id when none was sent", async () => {
    const token = await tokenFor("GET", "/v1/users?limit=5");
    const response = await fetch(`${baseUrl}/v1/users?limit=6`, { headers: { "x-gateway-identity": token } });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe("invalid_identity");
    expect(body.error.message).toMatch(/different path or query/);
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("rejects a replayed token", async () => {
    const token = await tokenFor("GET", "/v1/users");
    const first = await fetch(`${baseUrl}/v1/users`, { headers: { "x-gateway-identity": token } });
    expect(first.status).toBe(200);
    await first.body?.cancel();
    const second = await fetch(`${baseUrl}/v1/users`, { headers: { "x-gateway-identity": token } });
    expect(second.status).toBe(401);
    expect(((await second.json()) as { error: { message: string } }).error.message).toMatch(
      /already been used/,
    );
  });

  it("reads a custom header name and binds the method", async () => {
    const token = await tokenFor("POST", "/custom");
    const wrongHeader = await fetch(`${baseUrl}/custom`, {
      method: "POST",
      headers: { "x-gateway-identity": token },
    });
    expect(wrongHeader.status).toBe(401);
    await wrongHeader.body?.cancel();
    const ok = await fetch(`${baseUrl}/custom`, { method: "POST", headers: { "x-service-identity": token } });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });

  it("binds to the full original URL in mounted routers", async () => {
    const mountedPathOnly = await tokenFor("GET", "/orders?page=2");
    const rejected = await fetch(`${baseUrl}/shop/orders?page=2`, {
      headers: { "x-gateway-identity": mountedPathOnly },
    });
    expect(rejected.status).toBe(401);
    await rejected.body?.cancel();
    const fullPath = await tokenFor("GET", "/shop/orders?page=2");
    const accepted = await fetch(`${baseUrl}/shop/orders?page=2`, {
      headers: { "x-gateway-identity": fullPath },
    });
    expect(accepted.status).toBe(200);
    await accepted.body?.cancel();
  });

  it("hands a replay-store failure to the app's error handler", async () => {
    const token = await tokenFor("GET", "/strict");
    const response = await fetch(`${baseUrl}/strict`, { headers: { "x-gateway-identity": token } });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ caught: "replay store unreachable" });
  });
});
