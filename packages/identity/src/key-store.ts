import { encodedHeaderFor, type IdentityTokenAlgorithm } from "./header.ts";

/**
 * The verifier's keys by kid, plus the exact header segment this package's signer emits
 * for each kid (the fast path skips JSON parsing for those). Static, or refreshed from a
 * JWKS URL; the verifier asks `lookup`, and `refreshForUnknownKid` on a miss.
 */
export interface KeyStore<Key> {
  kidOfEncodedHeader(segment: string): string | undefined;
  lookup(kid: string): Key | undefined;
  /** Called on an unknown kid: a remote store refetches (rate-limited) and says whether it now has the kid. */
  refreshForUnknownKid(kid: string): Promise<boolean>;
  /** Why keys may be missing (e.g. the last JWKS fetch failed), for the rejection message. */
  problem(): string | undefined;
}

export interface ImportedKeys<Key> {
  keysByKid: Map<string, Key>;
  kidByEncodedHeader: Map<string, string>;
}

export async function importKeySet<Key>(
  jwks: ReadonlyArray<JsonWebKey & { kid: string }>,
  algorithm: IdentityTokenAlgorithm,
  importKey: (jwk: JsonWebKey & { kid: string }) => Key | Promise<Key>,
): Promise<ImportedKeys<Key>> {
  const imported = await Promise.all(jwks.map(async (jwk) => [jwk.kid, await importKey(jwk)] as const));
  return {
    keysByKid: new Map(imported),
    kidByEncodedHeader: new Map(jwks.map((jwk) => [encodedHeaderFor(jwk.kid, algorithm), jwk.kid])),
  };
}

export function createStaticKeyStore<Key>(keys: ImportedKeys<Key>): KeyStore<Key> {
  return {
    kidOfEncodedHeader: (segment) => keys.kidByEncodedHeader.get(segment),
    lookup: (kid) => keys.keysByKid.get(kid),
    refreshForUnknownKid: async () => false,
    problem: () => undefined,
  };
}

export interface RemoteKeyStoreOptions<Key> {
  url: string;
  fetch: typeof fetch;
  /** Milliseconds. */
  now: () => number;
  /** Keys are refreshed in the background once they are this old. */
  cacheSeconds: number;
  /** An unknown kid triggers at most one refetch per this interval. */
  minRefetchSeconds: number;
  /** Validates and imports a fetched JWKS document; throws with a clear message when it is unusable. */
  load(document: unknown): Promise<ImportedKeys<Key>>;
}

const FETCH_TIMEOUT_MS = 5000;
const MAX_JWKS_BYTES = 64 * 1024;

/**
 * Keys from a JWKS URL (central's `/.well-known/gateway-jwks.json`). A new kid is
 * picked up on first sight, at most one fetch per `minRefetchSeconds` however many
 * unknown kids arrive; concurrent misses share one fetch. A failed fetch or an unusable
 * document keeps the keys held so far.
 */
export async function createRemoteKeyStore<Key>(opts: RemoteKeyStoreOptions<Key>): Promise<KeyStore<Key>> {
  let keys: ImportedKeys<Key> = { keysByKid: new Map(), kidByEncodedHeader: new Map() };
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let lastProblem: string | undefined;
  let inFlight: Promise<void> | undefined;

  async function fetchKeys(): Promise<void> {
    attemptedAt = opts.now();
    try {
      const response = await opts.fetch(opts.url, {
        headers: { accept: "application/json" },
        redirect: "error",
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      if (text.length > MAX_JWKS_BYTES) throw new Error(`document exceeds ${MAX_JWKS_BYTES} bytes`);
      keys = await opts.load(JSON.parse(text));
      fetchedAt = opts.now();
      lastProblem = undefined;
    } catch (error) {
      lastProblem = `JWKS at ${opts.url} could not be loaded: ${(error as Error).message}`;
    }
  }

  function refresh(): Promise<void> {
    inFlight ??= fetchKeys().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  await refresh();

  return {
    kidOfEncodedHeader(segment) {
      if (opts.now() - fetchedAt > opts.cacheSeconds * 1000 && opts.now() - attemptedAt > 1000) {
        void refresh();
      }
      return keys.kidByEncodedHeader.get(segment);
    },
    lookup: (kid) => keys.keysByKid.get(kid),
    async refreshForUnknownKid(kid) {
      // Until a first fetch succeeded (central not up yet), retry every second rather than every interval.
      const intervalMs = fetchedAt === Number.NEGATIVE_INFINITY ? 1000 : opts.minRefetchSeconds * 1000;
      if (inFlight === undefined && opts.now() - attemptedAt < intervalMs) return false;
      await refresh();
      return keys.keysByKid.has(kid);
    },
    problem: () => lastProblem,
  };
}
