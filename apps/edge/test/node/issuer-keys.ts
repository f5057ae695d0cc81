import { exportJWK, generateKeyPair, type JWK } from "jose";
import type { IssuerKeyName } from "../shared/provided-context.ts";

export interface IssuerKey {
  privateJwk: JWK & { kid: string; alg: string };
  publicJwk: JWK & { kid: string; alg: string };
}

async function makeKey(kid: string, alg: "ES256" | "RS256"): Promise<IssuerKey> {
  const pair = await generateKeyPair(alg, { extractable: true });
  const [privateJwk, publicJwk] = await Promise.all([exportJWK(pair.privateKey), exportJWK(pair.publicKey)]);
  return {
    privateJwk: { ...privateJwk, kid, alg },
    publicJwk: { ...publicJwk, kid, alg, use: "sig" },
  };
}

/**
 * es256 / rs256: published from the start. late: published only from the
 * second fetch of a "rotating" set on. ghost: never published.
 */
export async function generateIssuerKeys(): Promise<Record<IssuerKeyName, IssuerKey>> {
  const [es256, rs256, late, ghost] = await Promise.all([
    makeKey("es-1", "ES256"),
    makeKey("rs-1", "RS256"),
    makeKey("es-late", "ES256"),
    makeKey("es-ghost", "ES256"),
  ]);
  return { es256, rs256, late, ghost };
}
