import type { CacheIndex, IndexedEntry, PurgeSelector } from "../../durable/cache-index.ts";

/** Which stored keys belong to a URL, a prefix or a tag (the Cache API cannot list its keys). */
export interface KeyIndex {
  record(entry: IndexedEntry): Promise<void>;
  /** Forgets the selected entries and returns the cache keys to delete. */
  purge(selector: PurgeSelector): Promise<string[]>;
}

/** The CacheIndex Durable Object: one instance per deployment. */
export function durableObjectIndex(namespace: DurableObjectNamespace<CacheIndex>): KeyIndex {
  const stub = () => namespace.get(namespace.idFromName("cache-index"));
  return {
    async record(entry) {
      await stub().record(entry);
    },
    async purge(selector) {
      return await stub().purge(selector);
    },
  };
}

export type { IndexedEntry, PurgeSelector };
