import type { JwtIssuerConfig } from "@gateway/types";
import { createLocalJWKSet, errors, type JWTVerifyGetKey } from "jose";
import { fetchJwksDocument, type JwksFetchOptions } from "./jwks-document.ts";
import { createSharedRefresh } from "./shared-refresh.ts";

export interface JwksCacheOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Clock in milliseconds; defaults to Date.now. */
  now?: () => number;
  /** Per fetch; a request waiting on another request's fetch gives up after this too. Default 5000. */
  timeoutMs?: number;
  /** Larger JWKS documents are refused. Default 256 KiB. */
  maxBytes?: number;
}

interface KeySet {
  getKey: JWTVerifyGetKey;
  fetchedAt: number;
}

/** After a failed fetch, requests fail fast for this long instead of hammering a broken issuer. */
const MAX_FAILURE_BACKOFF_MS = 5000;

/**
 * One issuer's keys, fetched from its jwksUrl and kept for jwksCacheSeconds.
 * jose does the key selection and the crypto (createLocalJWKSet); this adds
 * what createRemoteJWKSet does not do on Workers:
 * - one fetch at a time: concurrent requests (also a cold isolate's first burst)
 *   wait for the fetch already in flight instead of starting their own;
 * - an unknown `kid` refetches at most once per jwksMinRefetchSeconds, however
 *   many tokens with random kids arrive (a cheap flood must not become a JWKS flood);
 * - an expired set is never used: a key removed by the issuer stops verifying
 *   once the cache expires (a failed refetch then answers 503, not stale keys).
 */
export function createJwksCache(issuer: JwtIssuerConfig, options: JwksCacheOptions = {}): JWTVerifyGetKey {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5000;
  const cacheMs = issuer.jwksCacheSeconds * 1000;
  const minRefetchMs = issuer.jwksMinRefetchSeconds * 1000;
  const fetchOptions: JwksFetchOptions = {
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs,
    maxBytes: options.maxBytes ?? 256 * 1024,
  };

  const keys = createSharedRefresh<KeySet>(
    async () => ({
      getKey: createLocalJWKSet(await fetchJwksDocument(issuer.jwksUrl, fetchOptions)),
      fetchedAt: now(),
    }),
    {
      what: "JWKS fetch",
      now,
      waitTimeoutMs: timeoutMs + 1000,
      failureBackoffMs: Math.min(minRefetchMs, MAX_FAILURE_BACKOFF_MS),
    },
  );

  return async (header, token) => {
    let set = keys.latest;
    if (!set || now() - set.fetchedAt >= cacheMs) set = await keys.refresh();
    try {
      return await set.getKey(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // A kid we do not know: maybe a rotated-in key. Join a fetch in flight, else refetch if allowed.
      if (!keys.loading && now() - keys.lastStartedAt < minRefetchMs) throw error;
      set = await keys.refresh();
      return await set.getKey(header, token);
    }
  };
}
