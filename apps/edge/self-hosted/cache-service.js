// The Cache API backend of a self-hosted workerd (the Worker's `cacheApiOutbound`): workerd turns
// `cache.match` into GET, `cache.put` into PUT (the body is the response in HTTP/1.1 wire form) and
// `cache.delete` into PURGE, with `cf-cache-namespace` naming the `caches.open()` cache. Entries
// live in this workerd process's memory, bounded by MAX_ENTRIES / MAX_BYTES (oldest evicted first)
// and kept for the stored response's `s-maxage`/`max-age`. Loaded by workerd as a plain ES module.
const CRLF2 = "\r\n\r\n";

function number(value, fallback) {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/** Seconds the stored response may be kept, from its Cache-Control; 0 = not storable. */
function keepSeconds(cacheControl) {
  const directives = new Map();
  for (const part of (cacheControl ?? "").toLowerCase().split(",")) {
    const [name, value] = part.trim().split("=");
    if (name) directives.set(name, value);
  }
  if (directives.has("no-store") || directives.has("private")) return 0;
  const seconds = Number(directives.get("s-maxage") ?? directives.get("max-age"));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

/** Splits an HTTP/1.1 response in wire form into status, headers and body. */
function parseWireResponse(bytes) {
  const text = new TextDecoder("latin1").decode(bytes);
  const end = text.indexOf(CRLF2);
  if (end === -1) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine ?? "")?.[1]);
  if (!(status >= 200 && status <= 599)) return undefined;
  const headers = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { status, headers, body: bytes.slice(end + CRLF2.length) };
}

function createMemoryCache(limits) {
  const entries = new Map();
  let bytes = 0;
  const remove = (key) => {
    const entry = entries.get(key);
    if (entry === undefined) return false;
    bytes -= entry.body.byteLength;
    entries.delete(key);
    return true;
  };
  return {
    get(key, now) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now) {
        remove(key);
        return undefined;
      }
      return entry;
    },
    put(key, entry) {
      remove(key);
      if (entry.body.byteLength > limits.maxBytes) return false;
      while (entries.size >= limits.maxEntries || bytes + entry.body.byteLength > limits.maxBytes) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        remove(oldest);
      }
      entries.set(key, entry);
      bytes += entry.body.byteLength;
      return true;
    },
    delete: remove,
  };
}

const miss = () => new Response(null, { status: 504, headers: { "cf-cache-status": "MISS" } });

export function createCacheService(env) {
  const cache = createMemoryCache({
    maxEntries: number(env.MAX_ENTRIES, 10_000),
    maxBytes: number(env.MAX_BYTES, 64 * 1024 * 1024),
  });
  return {
    async fetch(request) {
      const key = `${request.headers.get("cf-cache-namespace") ?? ""} ${request.url}`;
      const now = Date.now();
      if (request.method === "GET") {
        const entry = cache.get(key, now);
        if (entry === undefined) return miss();
        const headers = new Headers(entry.headers);
        headers.set("cf-cache-status", "HIT");
        return new Response(entry.body, { status: entry.status, headers });
      }
      if (request.method === "PUT") {
        const parsed = parseWireResponse(new Uint8Array(await request.arrayBuffer()));
        if (parsed === undefined) return new Response(null, { status: 400 });
        const cacheControl = parsed.headers.find(([name]) => name.toLowerCase() === "cache-control")?.[1];
        const seconds = keepSeconds(cacheControl);
        if (seconds === 0) return new Response(null, { status: 413 });
        const stored = cache.put(key, { ...parsed, expiresAt: now + seconds * 1000 });
        return new Response(null, { status: stored ? 204 : 413 });
      }
      if (request.method === "PURGE") return new Response(null, { status: cache.delete(key) ? 200 : 404 });
      return new Response(null, { status: 405 });
    },
  };
}

let service;
export default {
  fetch(request, env) {
    service ??= createCacheService(env);
    return service.fetch(request);
  },
};
