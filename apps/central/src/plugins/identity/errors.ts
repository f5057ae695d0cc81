import { GatewayError } from "@gateway/types";

/** The answer when the identity token cannot be checked (verifier or replay store failing closed). */
export function identityUnavailableError(): GatewayError {
  return new GatewayError("service_unavailable", "identity verification is unavailable");
}
