import type { RouteCacheConfig } from "@gateway/types";
import type { Context } from "hono";
import type { EdgeHonoEnv } from "../../context.ts";
import { primaryKey } from "./keys.ts";
import type { EdgeCacheDeps } from "./middleware.ts";

/**
 * RFC 9111 §4.4: a non-error response to an unsafe method invalidates the
 * target URI and the same-origin Location and Content-Location URIs, for every
 * consumer (through the key index) and at once for the caller's own scope.
 */
export async function invalidateAfterUnsafe(
  c: Context<EdgeHonoEnv>,
  config: RouteCacheConfig,
  deps: Pick<EdgeCacheDeps, "store" | "index">,
): Promise<void> {
  const requestUrl = new URL(c.req.raw.url);
  const { path, query } = c.get("target");
  const urls = new Set([`${path}${query === undefined ? "" : `?${query}`}`]);
  for (const name of ["location", "content-location"]) {
    const value = c.res.headers.get(name);
    if (value === null) continue;
    try {
      const url = new URL(value, requestUrl);
      if (url.origin === requestUrl.origin) urls.add(`${url.pathname}${url.search}`);
    } catch {
      // Not a URI reference: nothing to invalidate.
    }
  }
  const own = await primaryKey(c.get("route").name, config, c.get("identity"), c.get("target"));
  const keys = new Set<string>([own.indexKey]);
  try {
    for (const url of urls) for (const key of await deps.index.purge({ url })) keys.add(key);
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "warn",
        msg: "cache index unavailable: invalidation limited to the caller's own entries",
        requestId: c.get("requestId"),
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }
  await Promise.all([...keys].map((key) => deps.store.delete(key)));
}
