import { GatewayError } from "@gateway/types";
import { identityUnavailableError } from "../plugins/identity/errors.ts";

/** Also what the identity step answers when a verifier with its own replay store sees a replay. */
export const REPLAYED_MESSAGE = "identity token has already been used";

export function replayedTokenError(): GatewayError {
  return new GatewayError("invalid_identity", REPLAYED_MESSAGE);
}

export { identityUnavailableError };
