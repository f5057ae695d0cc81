// Writes .dev.vars (git-ignored) for `wrangler dev`: EDGE_CENTRAL_KEYS (the default HS256 hop; the
// same value must be given to central) and, below, the Ed25519 key for identity.hop.algorithm EdDSA.
// The key comes from $EDGE_IDENTITY_PRIVATE_JWK when set, else a fresh pair is generated and its
// public half is written to .dev/edge-identity-public.jwks.json for central to trust.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import {
  generateHopSecret,
  generateIdentityKeyPair,
  parseHopKeysEnv,
  parsePrivateJwkEnv,
} from "@gateway/identity";

const DEV_VARS = ".dev.vars";
const PUBLIC_JWKS = ".dev/edge-identity-public.jwks.json";

const HOP_KEYS = ".dev/edge-central-keys.json";

let existing = existsSync(DEV_VARS) ? readFileSync(DEV_VARS, "utf8") : "";
if (/^EDGE_CENTRAL_KEYS=/m.test(existing)) {
  console.log(`${DEV_VARS}: EDGE_CENTRAL_KEYS already set`);
} else {
  const keys = process.env.EDGE_CENTRAL_KEYS
    ? parseHopKeysEnv(process.env.EDGE_CENTRAL_KEYS, "EDGE_CENTRAL_KEYS")
    : { keys: [generateHopSecret()] };
  if (!process.env.EDGE_CENTRAL_KEYS) {
    mkdirSync(".dev", { recursive: true });
    writeFileSync(HOP_KEYS, `${JSON.stringify(keys)}\n`, { mode: 0o600 });
    console.log(`generated an edge-central HS256 key; give central EDGE_CENTRAL_KEYS from ${HOP_KEYS}`);
  }
  const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
  existing = `${existing}${separator}EDGE_CENTRAL_KEYS=${JSON.stringify(keys)}\n`;
  writeFileSync(DEV_VARS, existing, { mode: 0o600 });
  console.log(`${DEV_VARS}: wrote EDGE_CENTRAL_KEYS`);
}
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
