import { GatewayError } from "@gateway/types";

/** The answers to a failed replay check, wherever it runs (identity step, replay check, rate-limit script). */
export const REPLAYED_MESSAGE = "identity token has already been used";

export function replayedTokenError(): GatewayError {
  return new GatewayError("invalid_identity", REPLAYED_MESSAGE);
}

export function identityUnavailableError(): GatewayError {
  return new GatewayError("service_unavailable", "identity verification is unavailable");
}
