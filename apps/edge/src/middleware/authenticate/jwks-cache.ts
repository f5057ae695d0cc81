import type { JwtIssuerConfig } from "@gateway/types";
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

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
 * Only parsed data is shared between requests, never a Response or stream
 * (Workers forbid I/O objects crossing requests); a waiter also stops waiting
 * after timeoutMs, in case the request that started the fetch was cancelled.
 */
export function createJwksCache(issuer: JwtIssuerConfig, options: JwksCacheOptions = {}): JWTVerifyGetKey {
  const fetchJwks = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const cacheMs = issuer.jwksCacheSeconds * 1000;
  const minRefetchMs = issuer.jwksMinRefetchSeconds * 1000;
  const failureBackoffMs = Math.min(minRefetchMs, MAX_FAILURE_BACKOFF_MS);

  let current: KeySet | undefined;
  let inFlight: Promise<KeySet> | undefined;
  let lastFetchStartedAt = Number.NEGATIVE_INFINITY;
  let lastFailure: { at: number; error: unknown } | undefined;

  async function load(): Promise<KeySet> {
    const response = await fetchJwks(issuer.jwksUrl, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`JWKS endpoint answered ${response.status}`);
    }
    const document: unknown = JSON.parse(await readLimited(response, maxBytes));
    if (
      typeof document !== "object" ||
      document === null ||
      !Array.isArray((document as JSONWebKeySet).keys)
    ) {
      throw new Error("JWKS document has no keys array");
    }
    return { getKey: createLocalJWKSet(document as JSONWebKeySet), fetchedAt: now() };
  }

  function refresh(): Promise<KeySet> {
    if (inFlight) return waitFor(inFlight);
    if (lastFailure && now() - lastFailure.at < failureBackoffMs) return Promise.reject(lastFailure.error);
    lastFetchStartedAt = now();
    const started: Promise<KeySet> = load().then(
      (set) => {
        current = set;
        lastFailure = undefined;
        return set;
      },
      (error: unknown) => {
        lastFailure = { at: now(), error };
        throw error;
      },
    );
    inFlight = started;
    const clear = () => {
      if (inFlight === started) inFlight = undefined;
    };
    started.then(clear, clear);
    return waitFor(started);
  }

  async function waitFor(pending: Promise<KeySet>): Promise<KeySet> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        if (inFlight === pending) inFlight = undefined;
        reject(new Error("timed out waiting for the JWKS fetch"));
      }, timeoutMs + 1000);
    });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  return async (header, token) => {
    let set = current;
    if (!set || now() - set.fetchedAt >= cacheMs) set = await refresh();
    try {
      return await set.getKey(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // A kid we do not know: maybe a rotated-in key. Join a fetch in flight, else refetch if allowed.
      if (!inFlight && now() - lastFetchStartedAt < minRefetchMs) throw error;
      set = await refresh();
      return await set.getKey(header, token);
    }
  };
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`JWKS document larger than ${maxBytes} bytes`);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`JWKS document larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
