import type { ApiKeyVerdict } from "@gateway/types";

export interface VerdictCache {
  get(id: string): ApiKeyVerdict | undefined;
  set(id: string, verdict: ApiKeyVerdict, ttlMs: number): void;
  readonly size: number;
}

/**
 * Verdicts by key digest, in isolate memory: least recently used evicted first
 * (a Map iterates in insertion order; a hit is re-inserted at the end).
 */
export function createVerdictCache(maxEntries: number, now: () => number): VerdictCache {
  const entries = new Map<string, { verdict: ApiKeyVerdict; until: number }>();
  return {
    get(id) {
      const entry = entries.get(id);
      if (entry === undefined) return undefined;
      entries.delete(id);
      if (entry.until <= now()) return undefined;
      entries.set(id, entry);
      return entry.verdict;
    },
    set(id, verdict, ttlMs) {
      if (ttlMs <= 0) return;
      entries.delete(id);
      entries.set(id, { verdict, until: now() + ttlMs });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    get size() {
      return entries.size;
    },
  };
}
