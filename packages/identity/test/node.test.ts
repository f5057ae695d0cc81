import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createIdentitySigner,
  createIdentityVerifier,
  generateIdentityKeyPair,
  type IdentitySigner,
  type VerifyResult,
} from "../src/index.ts";
import { verifyNodeRequest } from "../src/node.ts";
import { ALICE } from "./helpers.ts";

describe("verifyNodeRequest through a real node:http server", () => {
  let server: Server;
  let port: number;
  let signer: IdentitySigner;

  beforeAll(async () => {
    const { privateJwk, publicJwk } = await generateIdentityKeyPair("svc-1");
    signer = await createIdentitySigner({ privateJwk, issuer: "central", ttlSeconds: 30 });
    const verifier = await createIdentityVerifier({
      publicKeys: { keys: [publicJwk] },
      audience: "orders-service",
      issuers: ["central"],
      clockSkewSeconds: 5,
    });
    server = createServer((req, res) => {
      const headerName = req.url?.startsWith("/custom") ? "X-Custom-Identity" : undefined;
      verifyNodeRequest(verifier, req, headerName).then((result) => {
        res.writeHead(result.ok ? 200 : 401, { "content-type": "application/json" });
        res.end(JSON.stringify(result));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const tokenFor = (method: string, pathAndQuery: string) =>
    signer.sign({ identity: ALICE, audience: "orders-service", method, pathAndQuery });

  async function call(
    method: string,
    path: string,
    headers: Record<string, string | string[]>,
  ): Promise<{ status: number; result: VerifyResult }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, method, path, headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, result: JSON.parse(body) as VerifyResult }),
        );
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("verifies against the request's method and raw target", async () => {
    const token = await tokenFor("DELETE", "/v1/orders/7?force=true");
    const { status, result } = await call("DELETE", "/v1/orders/7?force=true", {
      "x-gateway-identity": token,
    });
    expect(status).toBe(200);
    expect(result).toMatchObject({
      ok: true,
      claims: { sub: ALICE.sub, htm: "DELETE", aud: "orders-service" },
    });
  });

  it("rejects the same token on another method or target", async () => {
    const token = await tokenFor("DELETE", "/v1/orders/7?force=true");
    expect(
      (await call("GET", "/v1/orders/7?force=true", { "x-gateway-identity": token })).result,
    ).toMatchObject({
      ok: false,
      reason: "binding_mismatch",
    });
    expect(
      (await call("DELETE", "/v1/orders/8?force=true", { "x-gateway-identity": token })).result,
    ).toMatchObject({ ok: false, reason: "binding_mismatch" });
  });

  it("accepts an absolute-form request target", async () => {
    const token = await tokenFor("GET", "/v1/orders");
    const { status } = await call("GET", `http://127.0.0.1:${port}/v1/orders`, {
      "x-gateway-identity": token,
    });
    expect(status).toBe(200);
  });

  it("reports a missing header and rejects a duplicated one", async () => {
    expect((await call("GET", "/v1/orders", {})).result).toMatchObject({ ok: false, reason: "missing" });
    const token = await tokenFor("GET", "/v1/orders");
    const duplicated = await call("GET", "/v1/orders", { "x-gateway-identity": [token, token] });
    expect(duplicated).toMatchObject({ status: 401, result: { ok: false, reason: "malformed" } });
  });

  it("reads a custom header name", async () => {
    const token = await tokenFor("GET", "/custom");
    expect((await call("GET", "/custom", { "x-custom-identity": token })).status).toBe(200);
    expect((await call("GET", "/custom", { "x-gateway-identity": token })).status).toBe(401);
  });
});
