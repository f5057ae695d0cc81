/**
 * Prints a new Ed25519 identity key pair: `node scripts/generate-key.ts [kid]`.
 * The private JWK (stdout line 1) goes into the signer's secret; the public JWK
 * (line 2) is added to every verifier's JWKS.
 */
import { generateIdentityKeyPair } from "../src/index.ts";

const kid = process.argv[2] ?? `identity-${new Date().toISOString().slice(0, 10)}`;
const { privateJwk, publicJwk } = await generateIdentityKeyPair(kid);
process.stdout.write(`${JSON.stringify(privateJwk)}\n${JSON.stringify(publicJwk)}\n`);
