import type { Authenticator } from "./authenticator.ts";
import { missingCredentials } from "./challenges.ts";

/** Placeholder until API keys exist: recognises an API key header and refuses it clearly. */
export function apiKeysNotConfigured(): Authenticator {
  return {
    hasCredentials: (headers) => headers.has("x-api-key"),
    authenticate: async () => {
      throw missingCredentials("API keys are not configured on this gateway", 'ApiKey realm="gateway"');
    },
  };
}
