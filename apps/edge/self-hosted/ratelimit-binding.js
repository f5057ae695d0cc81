// The Workers Rate Limiting binding (`env.RL_<POLICY>.limit({ key })`) for a self-hosted workerd,
// which has no such service. Like Cloudflare's, it is approximate and local: a fixed window per key
// counted in this workerd process (Cloudflare counts per location). Loaded by workerd as an internal
// module of a wrapped binding; `limit` and `period` come from the wrangler `ratelimits` entry.
const MAX_KEYS = 100_000;

export default function createRateLimitBinding(env) {
  const limit = Number(env.limit);
  const periodMs = Number(env.period) * 1000;
  if (!(limit > 0) || !(periodMs > 0))
    throw new Error("rate limit binding needs a positive limit and period");
  const windows = new Map();
  return {
    async limit(options) {
      const key = typeof options?.key === "string" ? options.key : "";
      const now = Date.now();
      const windowStart = now - (now % periodMs);
      let entry = windows.get(key);
      if (entry === undefined || entry.windowStart !== windowStart) {
        if (entry === undefined && windows.size >= MAX_KEYS) {
          for (const [staleKey, stale] of windows)
            if (stale.windowStart !== windowStart) windows.delete(staleKey);
          if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value);
        }
        entry = { windowStart, count: 0 };
        windows.set(key, entry);
      }
      entry.count += 1;
      return { success: entry.count <= limit };
    },
  };
}
