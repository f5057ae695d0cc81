// Runs examples/verify_token.py (PyJWT) against tokens this package signs, so the Python example in
// docs/identity-token.md is verified, not just written. Needs /usr/bin/python3 with python3-jwt
// (Debian: apt-get install python3-jwt python3-cryptography); skipped with a note when absent.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generateIdentityKeyPair } from "../src/index.ts";
import { createNodeIdentitySigner } from "../src/node.ts";
import { ALICE } from "./helpers.ts";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("../examples/verify_token.py", import.meta.url));
const hasPyJwt = (() => {
  try {
    execFileSync(PYTHON, ["-c", "import jwt, cryptography"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasPyJwt) console.warn("python-example.test.ts: skipped, /usr/bin/python3 has no PyJWT (python3-jwt)");

describe.skipIf(!hasPyJwt)("the Python (PyJWT) example verifies central's tokens", () => {
  function run(jwksFile: string, audience: string, method: string, target: string, token: string) {
    const result = spawnSync(PYTHON, [SCRIPT, jwksFile, audience, method, target], {
      input: token,
      encoding: "utf8",
    });
    return { status: result.status, out: result.stdout.trim() + result.stderr.trim() };
  }

  // Six Python start-ups (cryptography import included): slow on a loaded machine, so a generous limit.
  it("accepts a request-bound token for its request and rejects it for another, or for another audience", {
    timeout: 120_000,
  }, async () => {
    const keys = await generateIdentityKeyPair("central-py");
    const dir = mkdtempSync(join(tmpdir(), "identity-py-"));
    const jwksFile = join(dir, "jwks.json");
    writeFileSync(jwksFile, JSON.stringify({ keys: [keys.publicJwk] }));
    const signer = await createNodeIdentitySigner({
      privateJwk: keys.privateJwk,
      issuer: "central",
      ttlSeconds: 30,
    });
    const target = "/users/42?expand=caf\u00e9";
    const token = await signer.sign({
      identity: ALICE,
      audience: "users",
      method: "GET",
      pathAndQuery: target,
    });

    const ok = run(jwksFile, "users", "GET", target, token);
    expect(ok.status, ok.out).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ sub: ALICE.sub, aud: "users", iss: "central", htm: "GET" });
    expect(run(jwksFile, "users", "GET", "/users/43", token)).toMatchObject({ status: 1 });
    expect(run(jwksFile, "users", "DELETE", target, token).out).toMatch(/another method/);
    expect(run(jwksFile, "orders", "GET", target, token).out).toMatch(/rejected: .*[Aa]udience/);

    const reusable = await signer.signReusable({ identity: ALICE, audience: "users" });
    expect(run(jwksFile, "users", "POST", "/anything", reusable.token).status).toBe(0);

    const [h, p, s] = token.split(".");
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p as string, "base64url").toString()), roles: ["root"] }),
    ).toString("base64url");
    expect(run(jwksFile, "users", "GET", target, `${h}.${forged}.${s}`).out).toMatch(
      /rejected: Signature verification failed/,
    );
  });
});
