// The one place the baseline touches a JWT library. Tutorials use
// jsonwebtoken; until it is installed this uses jose with the same contract.
// Swapping is one line:
//   return jwt.verify(token, secret, { algorithms: ["HS256"] }) as JwtClaims;
import { importFromCentral } from "../lib/central-deps.ts";

export interface JwtClaims {
  sub?: string;
  [claim: string]: unknown;
}

export type VerifyJwt = (token: string) => Promise<JwtClaims>;

export async function createHs256Verifier(secret: string): Promise<VerifyJwt> {
  const { jwtVerify } = await importFromCentral<typeof import("jose")>("jose");
  const key = new TextEncoder().encode(secret);
  return async (token) => (await jwtVerify(token, key, { algorithms: ["HS256"] })).payload as JwtClaims;
}
