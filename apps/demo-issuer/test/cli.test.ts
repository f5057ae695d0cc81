import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { join } from "node:path";
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./harness.ts";
import { runScript, startMain, stopWithSigterm } from "./processes.ts";

let dir: Awaited<ReturnType<typeof tempDir>>;
let keysFile: string;
beforeAll(async () => {
  dir = await tempDir();
  keysFile = join(dir.path, "issuer-keys.json");
});
afterAll(() => dir.remove());

describe("mint CLI and main", () => {
  it("mint prints a token that the running issuer's JWKS verifies", async () => {
    const minted = await runScript(
      "mint.ts",
      [
        "--sub",
        "carol",
        "--roles",
        "admin,ops",
        "--scopes",
        "users:read",
        "--ttl",
        "120",
        "--tenant",
        "acme",
      ],
      { DEMO_ISSUER_KEYS_FILE: keysFile },
    );
    expect(minted.code).toBe(0);
    const token = minted.stdout.trim();
    expect(token.split(".")).toHaveLength(3);

    const { child, url } = await startMain({ DEMO_ISSUER_KEYS_FILE: keysFile, DEMO_ISSUER_PORT: "0" });
    try {
      const jwks = createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`));
      const { payload } = await jwtVerify(token, jwks, {
        issuer: "https://dev-issuer.gateway.local",
        audience: "gateway-api",
        algorithms: ["ES256"],
      });
      expect(payload).toMatchObject({
        sub: "carol",
        roles: ["admin", "ops"],
        scope: "users:read",
        tenant: "acme",
      });
      expect((payload.exp as number) - (payload.iat as number)).toBe(120);
    } finally {
      expect(await stopWithSigterm(child)).toBe(0);
    }
  });

  it("mint defaults to sub alice and honours DEMO_ISSUER_ISS / DEMO_ISSUER_AUD", async () => {
    const minted = await runScript("mint.ts", [], {
      DEMO_ISSUER_KEYS_FILE: keysFile,
      DEMO_ISSUER_ISS: "https://other-issuer.test",
      DEMO_ISSUER_AUD: "api-a,api-b",
    });
    expect(minted.code).toBe(0);
    const file = JSON.parse(await readFile(keysFile, "utf8"));
    const publicJwk = { ...file.keys[0].privateJwk, d: undefined, kid: file.keys[0].kid };
    const { payload } = await jwtVerify(minted.stdout.trim(), createLocalJWKSet({ keys: [publicJwk] }), {
      issuer: "https://other-issuer.test",
      audience: "api-b",
    });
    expect(payload).toMatchObject({ sub: "alice", aud: ["api-a", "api-b"] });
  });

  it("mint exits 2 with usage on bad arguments", async () => {
    const unknownFlag = await runScript("mint.ts", ["--nope"], { DEMO_ISSUER_KEYS_FILE: keysFile });
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain("usage:");
    const badTtl = await runScript("mint.ts", ["--ttl", "soon"], { DEMO_ISSUER_KEYS_FILE: keysFile });
    expect(badTtl.code).toBe(2);
    expect(badTtl.stderr).toContain("ttlSeconds");
    expect(badTtl.stdout).toBe("");
  });

  it("mint follows GW_STATE_DIR: the token verifies with that stack's key, not the default one", async () => {
    const stateDir = join(dir.path, "stack2");
    const minted = await runScript("mint.ts", ["--sub", "bob"], { GW_STATE_DIR: stateDir });
    expect(minted.code).toBe(0);
    const file = JSON.parse(await readFile(join(stateDir, "issuer-keys.json"), "utf8"));
    const publicJwk = { ...file.keys[0].privateJwk, d: undefined, kid: file.keys[0].kid };
    const { payload } = await jwtVerify(minted.stdout.trim(), createLocalJWKSet({ keys: [publicJwk] }));
    expect(payload.sub).toBe("bob");
  });

  it("--help prints the ./gw token usage and exits 0", async () => {
    const help = await runScript("mint.ts", ["--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: ./gw token");
  });

  it("main on a taken port says so in one line naming DEMO_ISSUER_PORT, no stack trace, exit 1", async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await runScript("main.ts", [], {
        DEMO_ISSUER_KEYS_FILE: keysFile,
        DEMO_ISSUER_PORT: String(port),
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `demo-issuer: cannot listen on 127.0.0.1:${port}: address already in use (set DEMO_ISSUER_PORT to move it)`,
      );
    } finally {
      blocker.close();
    }
  });
});
