import { GatewayError } from "@gateway/types";

const REALM = 'Bearer realm="gateway"';

/** 401 for a request without usable credentials (RFC 6750 §3: no error code). */
export function missingCredentials(message: string, scheme: string = REALM): GatewayError {
  return new GatewayError("unauthorized", message, { "www-authenticate": scheme });
}

/** 401 for a token that was presented but not accepted. `description` must be a fixed text without quotes. */
export function invalidToken(description: string): GatewayError {
  const safe = description.replace(/[^\x20-\x7e]|["\\]/g, "");
  return new GatewayError("invalid_token", safe, {
    "www-authenticate": `${REALM}, error="invalid_token", error_description="${safe}"`,
  });
}
