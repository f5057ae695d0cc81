/** What the edge answers with while a consumer is blocked by central. */
export interface RememberedLimit {
  /** Epoch ms until which the edge answers 429 itself. */
  until: number;
  /** Central's RateLimit-Policy header, replayed on local 429s. */
  policyHeader?: string;
  /** The policy named in central's RateLimit header. */
  policyName?: string;
}

export interface RememberedLimits {
  remember(key: string, limit: RememberedLimit): void;
  /** The unexpired entry for `key` (an expired one is dropped). */
  lookup(key: string, now: number): RememberedLimit | undefined;
  readonly size: number;
}

/**
 * Isolate memory of central's 429s, bounded: beyond `maxEntries` the least
 * recently used entry is forgotten (a Map iterates in insertion order, and a
 * hit re-inserts). Forgetting only costs one more request to central.
 */
export function createRememberedLimits(options: { maxEntries?: number } = {}): RememberedLimits {
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, RememberedLimit>();
  return {
    remember(key, limit) {
      entries.delete(key);
      entries.set(key, limit);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
    },
    lookup(key, now) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.until <= now) return undefined;
      entries.set(key, entry);
      return entry;
    },
    get size() {
      return entries.size;
    },
  };
}
