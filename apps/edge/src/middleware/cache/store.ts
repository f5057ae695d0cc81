import type { StoredMeta } from "./policy.ts";

/** One stored response: what the cache knows about it, and its body. */
export interface StoredEntry {
  meta: StoredMeta;
  body: ArrayBuffer;
}

/** Where the primary key points: the request headers its responses vary on (RFC 9111 §4.1). */
export interface VariantIndex {
  vary: string[];
}

/** Storage of entries by key; the Workers Cache API in production (entry keys are opaque URLs). */
export interface EntryStore {
  getEntry(key: string): Promise<StoredEntry | undefined>;
  putEntry(key: string, entry: StoredEntry, keepSeconds: number): Promise<void>;
  getIndex(key: string): Promise<VariantIndex | undefined>;
  putIndex(key: string, index: VariantIndex, keepSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

const META_HEADER = "x-gateway-cache-meta";
/** Metadata larger than this is not stored (one header of the stored object). */
const MAX_META_BYTES = 32 * 1024;

/**
 * The Cache API as a plain key/value store. The stored object carries only
 * our metadata and a Cache-Control that tells the Cache API how long to keep
 * it: the origin's headers ride inside the metadata, so the Cache API's own
 * HTTP handling (Set-Cookie refusal, Vary, ETag/Range answering, its reading
 * of the origin's Cache-Control) never applies; RFC 9111 is decided by this
 * middleware alone.
 */
export function cacheApiStore(open: () => Promise<Cache>): EntryStore {
  let cache: Promise<Cache> | undefined;
  const get = () => {
    cache ??= open();
    return cache;
  };
  const request = (key: string) => new Request(key, { method: "GET" });

  async function put(
    key: string,
    meta: unknown,
    body: BodyInit | null,
    keepSeconds: number,
  ): Promise<boolean> {
    const encoded = encodeURIComponent(JSON.stringify(meta));
    if (encoded.length > MAX_META_BYTES) return false;
    const headers = new Headers({
      [META_HEADER]: encoded,
      "cache-control": `public, max-age=${Math.max(1, Math.ceil(keepSeconds))}`,
      "content-type": "application/octet-stream",
    });
    await (await get()).put(request(key), new Response(body, { status: 200, headers }));
    return true;
  }

  async function read(key: string): Promise<{ meta: unknown; response: Response } | undefined> {
    const response = await (await get()).match(request(key));
    const raw = response?.headers.get(META_HEADER);
    if (!response || !raw) return undefined;
    try {
      return { meta: JSON.parse(decodeURIComponent(raw)), response };
    } catch {
      return undefined;
    }
  }

  return {
    async getEntry(key) {
      const found = await read(key);
      const meta = found?.meta as StoredMeta | undefined;
      if (!found || meta?.v !== 1) return undefined;
      return { meta, body: await found.response.arrayBuffer() };
    },
    async putEntry(key, entry, keepSeconds) {
      await put(key, entry.meta, entry.body, keepSeconds);
    },
    async getIndex(key) {
      const found = await read(key);
      await found?.response.body?.cancel();
      const index = found?.meta as VariantIndex | undefined;
      return Array.isArray(index?.vary) ? index : undefined;
    },
    async putIndex(key, index, keepSeconds) {
      await put(key, index, null, keepSeconds);
    },
    async delete(key) {
      await (await get()).delete(request(key));
    },
  };
}
