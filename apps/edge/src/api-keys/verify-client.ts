import type { IdentitySigner } from "@gateway/identity";
import { pathAndQueryOf } from "@gateway/identity";
import { type ApiKeyVerdict, IDENTITY_HEADER, KEY_VERIFIER_SUBJECT, KEY_VERIFY_PATH } from "@gateway/types";

export interface VerifyClientOptions {
  centralUrl: string;
  signer: IdentitySigner;
  fetchCentral: typeof fetch;
  timeoutMs: number;
}

/** Undefined when central could not give an answer (unreachable, timeout, not a verdict). */
export type VerifyKey = (key: string) => Promise<ApiKeyVerdict | undefined>;

/**
 * Asks central's verification endpoint, as the edge itself: an identity token
 * for KEY_VERIFIER_SUBJECT bound to this POST. The key goes in the body.
 */
export function createVerifyClient(options: VerifyClientOptions): VerifyKey {
  const url = new URL(`${options.centralUrl.replace(/\/+$/, "")}${KEY_VERIFY_PATH}`);
  const identity = { sub: KEY_VERIFIER_SUBJECT, auth: "anonymous" as const, roles: [], scopes: [] };
  return async (key) => {
    try {
      const token = await options.signer.sign({
        identity,
        audience: "central",
        method: "POST",
        pathAndQuery: pathAndQueryOf(url),
      });
      const response = await options.fetchCentral(url, {
        method: "POST",
        headers: { "content-type": "application/json", [IDENTITY_HEADER]: token },
        body: JSON.stringify({ key }),
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        return undefined;
      }
      return asVerdict(await response.json());
    } catch {
      return undefined;
    }
  };
}

function asVerdict(body: unknown): ApiKeyVerdict | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const verdict = body as Record<string, unknown>;
  if (verdict.valid === false) {
    const reason = verdict.reason;
    return reason === "unknown" || reason === "revoked" || reason === "expired"
      ? { valid: false, reason }
      : undefined;
  }
  const consumer = verdict.consumer as Record<string, unknown> | undefined;
  const strings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === "string");
  if (
    verdict.valid !== true ||
    typeof verdict.keyId !== "string" ||
    typeof consumer?.id !== "string" ||
    consumer.id === "" ||
    !strings(consumer.roles) ||
    !strings(consumer.scopes) ||
    (consumer.tenant !== undefined && typeof consumer.tenant !== "string") ||
    (verdict.expiresAt !== undefined && typeof verdict.expiresAt !== "number")
  ) {
    return undefined;
  }
  return {
    valid: true,
    keyId: verdict.keyId,
    consumer: {
      id: consumer.id,
      roles: consumer.roles as string[],
      scopes: consumer.scopes as string[],
      ...(typeof consumer.tenant === "string" ? { tenant: consumer.tenant } : {}),
    },
    ...(typeof verdict.expiresAt === "number" ? { expiresAt: verdict.expiresAt } : {}),
  };
}
