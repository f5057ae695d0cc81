import { type ApiKeyRejection, type ErrorCode, GatewayError } from "@gateway/types";

const CHALLENGE = 'ApiKey realm="gateway"';

const REJECTIONS: Record<ApiKeyRejection, { code: ErrorCode; message: string }> = {
  unknown: { code: "invalid_api_key", message: "API key is not valid" },
  revoked: { code: "api_key_revoked", message: "API key has been revoked" },
  expired: { code: "api_key_expired", message: "API key has expired" },
};

export function missingKey(): GatewayError {
  return new GatewayError("unauthorized", "missing API key", { "www-authenticate": CHALLENGE });
}

/** The message never includes the key or anything derived from it. */
export function rejectedKey(reason: ApiKeyRejection): GatewayError {
  const { code, message } = REJECTIONS[reason];
  return new GatewayError(code, message, { "www-authenticate": `${CHALLENGE}, error="${code}"` });
}

export function keysNotAccepted(): GatewayError {
  return new GatewayError("forbidden", "API keys are not accepted on this route");
}

export function verificationUnavailable(): GatewayError {
  return new GatewayError("service_unavailable", "API key verification is unavailable", {
    "retry-after": "1",
  });
}
