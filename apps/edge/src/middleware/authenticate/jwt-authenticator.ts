import type { Identity, JwtIssuerConfig } from "@gateway/types";
import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import type { EdgeRoute } from "../../context.ts";
import type { Authenticator } from "./authenticator.ts";
import { bearerToken, hasBearerScheme } from "./bearer.ts";
import { invalidToken, missingCredentials } from "./challenges.ts";
import { stringClaim, stringListClaim } from "./claims.ts";
import type { IssuerKeySource } from "./jwks.ts";
import { jwksUnavailable, tokenRejection } from "./token-rejection.ts";

/**
 * Header parameters never honoured: jku / x5u / jwk / x5c would let a token
 * choose its own key; crit names extensions we do not implement; b64 (RFC 7797
 * unencoded payload) and zip have no place in a JWT.
 */
const FORBIDDEN_HEADER_PARAMS = ["jku", "x5u", "jwk", "x5c", "crit", "b64", "zip"] as const;

/** A JWS in compact form: three base64url segments (the signature may be empty only to be refused as alg none). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_KID_LENGTH = 256;

export interface JwtAuthenticatorOptions {
  issuers: readonly JwtIssuerConfig[];
  keySource: IssuerKeySource;
  /** Clock in milliseconds (for exp / nbf). */
  now: () => number;
}

interface Issuer {
  config: JwtIssuerConfig;
  keys: JWTVerifyGetKey;
}

export function createJwtAuthenticator(options: JwtAuthenticatorOptions): Authenticator {
  // One key source per issuer, created once: its cache lives as long as this authenticator (the isolate).
  const issuers = options.issuers.map((config): Issuer => ({ config, keys: options.keySource(config) }));
  const maxTokenBytes = Math.max(...options.issuers.map((issuer) => issuer.maxTokenBytes), 0);

  function issuerFor(iss: unknown, route: EdgeRoute): Issuer {
    if (typeof iss !== "string") throw invalidToken("token has no issuer");
    const accepted =
      route.issuers.length === 0 ? issuers : issuers.filter((i) => route.issuers.includes(i.config.name));
    const issuer = accepted.find((candidate) => candidate.config.issuer === iss);
    if (!issuer) throw invalidToken("token issuer is not accepted here");
    return issuer;
  }

  return {
    hasCredentials: hasBearerScheme,
    async authenticate(headers, route) {
      const token = bearerToken(headers);
      if (token === undefined) throw missingCredentials("missing bearer token");
      // Checked before any parsing, against the largest limit; then per issuer once it is known.
      if (token.length > maxTokenBytes) throw invalidToken("token too large");
      checkCompactShape(token);

      const { header, payload } = decodeUnverified(token);
      const issuer = issuerFor(payload.iss, route);
      if (token.length > issuer.config.maxTokenBytes) throw invalidToken("token too large");
      checkProtectedHeader(header, issuer.config);

      let verified: JWTPayload;
      try {
        const result = await jwtVerify(token, issuer.keys, {
          algorithms: issuer.config.algorithms,
          issuer: issuer.config.issuer,
          audience: issuer.config.audiences,
          clockTolerance: issuer.config.clockSkewSeconds,
          currentDate: new Date(options.now()),
          requiredClaims: ["exp", "sub"],
        });
        verified = result.payload;
      } catch (error) {
        const rejection = tokenRejection(error);
        if (rejection) throw invalidToken(rejection);
        throw jwksUnavailable(issuer.config.name, error);
      }
      return identityFrom(verified, issuer.config);
    },
  };
}

/** Before any decoding: a JWE (five segments) or anything that is not a compact JWS is refused. */
function checkCompactShape(token: string): void {
  if (token.split(".").length === 5) throw invalidToken("encrypted tokens (JWE) are not accepted");
  if (!COMPACT_JWS.test(token)) throw invalidToken("malformed token");
}

/** Before verifying: no parameter that picks its own key or extensions, a sane kid, an allowed alg. */
function checkProtectedHeader(header: Record<string, unknown>, issuer: JwtIssuerConfig): void {
  for (const param of FORBIDDEN_HEADER_PARAMS) {
    if (Object.hasOwn(header, param)) throw invalidToken(`token header parameter ${param} is not allowed`);
  }
  if (Object.hasOwn(header, "kid") && !validKid(header.kid)) {
    throw invalidToken("token header parameter kid is invalid");
  }
  const algorithms: readonly string[] = issuer.algorithms;
  if (typeof header.alg !== "string" || !algorithms.includes(header.alg)) {
    throw invalidToken("token algorithm is not allowed");
  }
}

function validKid(kid: unknown): boolean {
  return typeof kid === "string" && kid.length > 0 && kid.length <= MAX_KID_LENGTH;
}

function decodeUnverified(token: string): { header: Record<string, unknown>; payload: JWTPayload } {
  try {
    return { header: decodeProtectedHeader(token), payload: decodeJwt(token) };
  } catch (error) {
    if (error instanceof errors.JOSEError || error instanceof TypeError)
      throw invalidToken("malformed token");
    throw error;
  }
}

function identityFrom(payload: JWTPayload, issuer: JwtIssuerConfig): Identity {
  if (typeof payload.sub !== "string" || payload.sub === "") throw invalidToken("token has no subject");
  const tenant = stringClaim(payload, issuer.tenantClaim);
  return {
    sub: payload.sub,
    auth: "jwt",
    roles: stringListClaim(payload, issuer.rolesClaim),
    scopes: stringListClaim(payload, issuer.scopesClaim),
    ...(tenant === undefined ? {} : { tenant }),
  };
}
