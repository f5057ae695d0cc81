/**
 * The contract between the edge and central for API keys: the edge POSTs
 * `{"key": "<plaintext>"}` to KEY_VERIFY_PATH with an identity token whose
 * subject is KEY_VERIFIER_SUBJECT (auth "anonymous"); no client request can
 * carry that identity, so only the edge itself can ask. Central answers 200
 * with an ApiKeyVerdict.
 */
export const KEY_VERIFY_PATH = "/_gateway/keys/verify";
export const KEY_VERIFIER_SUBJECT = "gateway:edge";

/** Why a presented key was refused; each maps to its own 401 error code. */
export type ApiKeyRejection = "unknown" | "revoked" | "expired";

export type ApiKeyVerdict =
  | {
      valid: true;
      consumer: { id: string; roles: string[]; scopes: string[]; tenant?: string };
      keyId: string;
      /** Epoch ms; the edge never caches a verdict past it. */
      expiresAt?: number;
    }
  | { valid: false; reason: ApiKeyRejection };
