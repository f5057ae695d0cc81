// Writes .dev.vars (git-ignored) for `wrangler dev` unless it already has the identity key.
// The key comes from $EDGE_IDENTITY_PRIVATE_JWK when set, else a fresh pair is generated and its
// public half is written to .dev/edge-identity-public.jwks.json for central to trust.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { generateIdentityKeyPair, parsePrivateJwkEnv } from "@gateway/identity";

const DEV_VARS = ".dev.vars";
const PUBLIC_JWKS = ".dev/edge-identity-public.jwks.json";

const existing = existsSync(DEV_VARS) ? readFileSync(DEV_VARS, "utf8") : "";
if (/^EDGE_IDENTITY_PRIVATE_JWK=/m.test(existing)) {
  console.log(`${DEV_VARS}: EDGE_IDENTITY_PRIVATE_JWK already set`);
} else {
  let privateJwk: object;
  if (process.env.EDGE_IDENTITY_PRIVATE_JWK) {
    privateJwk = parsePrivateJwkEnv(process.env.EDGE_IDENTITY_PRIVATE_JWK, "EDGE_IDENTITY_PRIVATE_JWK");
  } else {
    const pair = await generateIdentityKeyPair();
    privateJwk = pair.privateJwk;
    mkdirSync(".dev", { recursive: true });
    writeFileSync(PUBLIC_JWKS, `${JSON.stringify({ keys: [pair.publicJwk] })}\n`);
    console.log(`generated an edge identity key; central must trust ${PUBLIC_JWKS}`);
  }
  const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
  writeFileSync(
    DEV_VARS,
    `${existing}${separator}EDGE_IDENTITY_PRIVATE_JWK=${JSON.stringify(privateJwk)}\n`,
    {
      mode: 0o600,
    },
  );
  console.log(`${DEV_VARS}: wrote EDGE_IDENTITY_PRIVATE_JWK`);
}
