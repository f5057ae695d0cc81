import { GatewayError } from "@gateway/types";
import { errors } from "jose";

/**
 * A fixed description when jose rejected the token itself (the client's fault,
 * 401); undefined when the keys could not be obtained (the gateway's problem).
 */
export function tokenRejection(error: unknown): string | undefined {
  if (error instanceof errors.JWTExpired) return "token expired";
  if (error instanceof errors.JWTClaimValidationFailed)
    return `token claim ${safeClaimName(error.claim)} is invalid`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "token algorithm is not allowed";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "token signature is invalid";
  if (error instanceof errors.JWKSNoMatchingKey) return "no key matches the token";
  if (error instanceof errors.JWKSMultipleMatchingKeys) return "token signature is invalid";
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return "malformed token";
  if (error instanceof errors.JOSENotSupported) return "token algorithm is not supported";
  return undefined;
}

function safeClaimName(claim: string): string {
  return /^[A-Za-z0-9_.:-]{1,64}$/.test(claim) ? claim : "unknown";
}

export function jwksUnavailable(issuerName: string, error: unknown): GatewayError {
  console.error(
    JSON.stringify({
      level: "error",
      msg: "JWKS unavailable",
      issuer: issuerName,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    }),
  );
  return new GatewayError("service_unavailable", "token keys are temporarily unavailable", {
    "retry-after": "5",
  });
}
