/**
 * Proves the package installs and works on its own: `pnpm pack` (builds dist/, applies
 * publishConfig), `npm install` of the tarball into an empty project, then a token is signed and
 * verified through the installed package's public entry points. Exit code 0 = publishable.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "identity-pack-"));
try {
  execFileSync("pnpm", ["pack", "--pack-destination", work], { cwd: packageDir, stdio: "inherit" });
  const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"));
  if (tarball === undefined) throw new Error("pnpm pack produced no tarball");
  const consumer = join(work, "consumer");
  execFileSync("mkdir", ["-p", consumer]);
  writeFileSync(join(consumer, "package.json"), '{"name":"consumer","private":true,"type":"module"}\n');
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(work, tarball)], {
    cwd: consumer,
    stdio: "inherit",
  });
  writeFileSync(
    join(consumer, "check.mjs"),
    `import { createIdentitySigner, createIdentityVerifier, generateIdentityKeyPair } from "@gateway/identity";
import { createNodeIdentityVerifier } from "@gateway/identity/node";
import { requireGatewayIdentity } from "@gateway/identity/express";
const keys = await generateIdentityKeyPair("k1");
const signer = await createIdentitySigner({ privateJwk: keys.privateJwk, issuer: "central", ttlSeconds: 30 });
const token = await signer.sign({ identity: { sub: "a", roles: [], scopes: [], auth: "jwt" }, audience: "users", method: "GET", pathAndQuery: "/x" });
for (const create of [createIdentityVerifier, createNodeIdentityVerifier]) {
  const verifier = await create({ publicKeys: { keys: [keys.publicJwk] }, audience: "users" });
  if (!(await verifier.verify(token, { method: "GET", pathAndQuery: "/x" })).ok) throw new Error("verify failed");
  if ((await verifier.verify(token, { method: "GET", pathAndQuery: "/y" })).ok) throw new Error("binding ignored");
}
if (typeof requireGatewayIdentity !== "function") throw new Error("express entry missing");
console.log("installed package verified a token through every entry point");
`,
  );
  execFileSync(process.execPath, ["check.mjs"], { cwd: consumer, stdio: "inherit" });
} finally {
  rmSync(work, { recursive: true, force: true });
}
