import type { IdentitySigner } from "@gateway/identity";
import type { ApiKeysConfig, ApiKeyVerdict, Identity } from "@gateway/types";
import type { Authenticator } from "../middleware/authenticate/authenticator.ts";
import { missingKey, rejectedKey, verificationUnavailable } from "./errors.ts";
import { isPlausibleKey, presentedKey } from "./extract.ts";
import { createVerdictCache, type VerdictCache } from "./verdict-cache.ts";
import { createVerifyClient, type VerifyKey } from "./verify-client.ts";

export { keysNotAccepted } from "./errors.ts";
export { withoutQueryParam } from "./extract.ts";

export interface ApiKeyAuthenticatorOptions {
  config: ApiKeysConfig;
  centralUrl: string;
  signer: IdentitySigner;
  fetchCentral: typeof fetch;
  now: () => number;
  /** Subrequest timeout for a verification (default 3000 ms). */
  verifyTimeoutMs?: number;
  /** Replaces the subrequest to central (tests). */
  verify?: VerifyKey;
}

export type ApiKeyAuthenticator = Authenticator & { readonly cache: VerdictCache };

/**
 * API keys at the edge: read from the configured header, `Authorization: Bearer gw_…`
 * or the route's query parameter; verified by central (one subrequest), the verdict
 * cached in isolate memory for `cacheTtlSeconds` (refusals for `negativeCacheTtlSeconds`),
 * so a revocation takes effect everywhere within `cacheTtlSeconds`. Concurrent requests
 * with the same uncached key share one subrequest. Cache entries are indexed by
 * SHA-256 of the key: the plaintext is never kept, compared or logged.
 */
export function createApiKeyAuthenticator(options: ApiKeyAuthenticatorOptions): ApiKeyAuthenticator {
  const { config, now } = options;
  const cache = createVerdictCache(config.cacheMaxEntries, now);
  const inFlight = new Map<string, Promise<ApiKeyVerdict | undefined>>();
  const verify =
    options.verify ??
    createVerifyClient({
      centralUrl: options.centralUrl,
      signer: options.signer,
      fetchCentral: options.fetchCentral,
      timeoutMs: options.verifyTimeoutMs ?? 3000,
    });

  async function verdictFor(key: string): Promise<ApiKeyVerdict | undefined> {
    const id = await digest(key);
    const cached = cache.get(id);
    if (cached !== undefined) return cached;
    let pending = inFlight.get(id);
    if (pending === undefined) {
      pending = verify(key).then((verdict) => {
        inFlight.delete(id);
        if (verdict !== undefined) cache.set(id, verdict, ttlOf(verdict));
        return verdict;
      });
      inFlight.set(id, pending);
    }
    return pending;
  }

  function ttlOf(verdict: ApiKeyVerdict): number {
    if (!verdict.valid) return config.negativeCacheTtlSeconds * 1000;
    const ttl = config.cacheTtlSeconds * 1000;
    return verdict.expiresAt === undefined ? ttl : Math.min(ttl, verdict.expiresAt - now());
  }

  return {
    cache,
    hasCredentials: (headers, target, route) =>
      presentedKey(headers, target, route, config.header) !== undefined,
    async authenticate(headers, route, target): Promise<Identity> {
      const presented = presentedKey(headers, target, route, config.header);
      if (presented === undefined || presented.key === "") throw missingKey();
      if (!isPlausibleKey(presented.key)) throw rejectedKey("unknown");
      const verdict = await verdictFor(presented.key);
      if (verdict === undefined) throw verificationUnavailable();
      if (!verdict.valid) throw rejectedKey(verdict.reason);
      // A cached verdict may outlive the key's expiry by less than a second; check it here too.
      if (verdict.expiresAt !== undefined && verdict.expiresAt <= now()) throw rejectedKey("expired");
      const { consumer } = verdict;
      return {
        sub: consumer.id,
        auth: "api_key",
        roles: [...consumer.roles],
        scopes: [...consumer.scopes],
        ...(consumer.tenant === undefined ? {} : { tenant: consumer.tenant }),
      };
    },
  };
}

async function digest(key: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}
