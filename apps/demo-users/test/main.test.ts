import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { createIdentitySigner, generateIdentityKeyPair } from "@gateway/identity";
import { describe, expect, it } from "vitest";
import { ALICE } from "./harness.ts";
import { runScript, startMain, stopWithSigterm } from "./processes.ts";

describe("demo-users main.ts", () => {
  it("reads its env, serves signed requests for each audience, and exits 0 on SIGTERM", async () => {
    const central = await generateIdentityKeyPair("central-main-1");
    const { child, url } = await startMain({
      DEMO_USERS_PORT: "0",
      DEMO_USERS_AUDIENCE: "users, accounts",
      GATEWAY_IDENTITY_JWKS: JSON.stringify({ keys: [central.publicJwk] }),
    });
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/users`)).status).toBe(401);
      const signer = await createIdentitySigner({
        privateJwk: central.privateJwk,
        issuer: "central",
        ttlSeconds: 30,
      });
      for (const audience of ["users", "accounts"]) {
        const token = await signer.sign({
          identity: ALICE,
          audience,
          method: "GET",
          pathAndQuery: "/users/me",
        });
        const response = await fetch(`${url}/users/me`, { headers: { "x-gateway-identity": token } });
        expect(response.status).toBe(200);
      }
    } finally {
      expect(await stopWithSigterm(child)).toBe(0);
    }
  });

  it("refuses to start without GATEWAY_IDENTITY_JWKS, naming the variable", async () => {
    const result = await runScript("main.ts", [], { DEMO_USERS_PORT: "0", GATEWAY_IDENTITY_JWKS: "" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("GATEWAY_IDENTITY_JWKS");
  });

  it("a taken port is one line naming the port and DEMO_USERS_PORT, no stack trace, exit 1", async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const central = await generateIdentityKeyPair("central-main-2");
      const result = await runScript("main.ts", [], {
        DEMO_USERS_PORT: String(port),
        GATEWAY_IDENTITY_JWKS: JSON.stringify({ keys: [central.publicJwk] }),
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `demo-users: cannot listen on 127.0.0.1:${port}: address already in use (set DEMO_USERS_PORT to move it)`,
      );
    } finally {
      blocker.close();
    }
  });
});
