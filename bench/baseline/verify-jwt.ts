// The one place the baseline touches a JWT library: jsonwebtoken, as the
// tutorials use it, with the algorithm pinned.
import jwt from "jsonwebtoken";

export interface JwtClaims {
  sub?: string;
  [claim: string]: unknown;
}

export type VerifyJwt = (token: string) => Promise<JwtClaims>;

export function createHs256Verifier(secret: string): VerifyJwt {
  return async (token) => jwt.verify(token, secret, { algorithms: ["HS256"] }) as JwtClaims;
}
