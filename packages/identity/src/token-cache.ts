/**
 * A bounded LRU of verified tokens (Map insertion order = recency). Entries carry their
 * expiry (unix seconds) and are dropped when read after it; when full, the least recently
 * used entry goes, so a flood of distinct tokens costs a fixed amount of memory.
 */
export interface TokenCache<Value> {
  get(token: string): Value | undefined;
  set(token: string, value: Value, expiresAt: number): void;
  readonly size: number;
}

export function createTokenCache<Value>(
  maxEntries: number,
  nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
): TokenCache<Value> {
  const entries = new Map<string, { value: Value; expiresAt: number }>();
  return {
    get(token) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      entries.delete(token);
      if (entry.expiresAt <= nowSeconds()) return undefined;
      entries.set(token, entry);
      return entry.value;
    },
    set(token, value, expiresAt) {
      entries.delete(token);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(token, { value, expiresAt });
    },
    get size() {
      return entries.size;
    },
  };
}
