import { headerNameMatcher, isClientTrustHeader } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";
import { withoutHopByHop } from "./hop-by-hop.ts";

/**
 * A copy of the client's headers without anything a client must not be able to assert: the
 * gateway's trust headers, and those `alsoStrip` matches (other proxies' identity headers,
 * `identity.stripHeaders`). Header names are lower case here.
 */
export function sanitiseClientHeaders(
  headers: Headers,
  alsoStrip: (lowerName: string) => boolean = () => false,
): Headers {
  const kept = withoutHopByHop(headers);
  for (const name of [...kept.keys()]) {
    if (isClientTrustHeader(name) || name === "host" || alsoStrip(name)) kept.delete(name);
  }
  return kept;
}

/**
 * Puts the sanitised copy of the client's headers (incoming headers are
 * immutable on Workers) in the context; every later step reads `clientHeaders`,
 * never the raw ones. `stripHeaders`: the compiled `identity.stripHeaders`
 * (names, and prefixes written with a trailing "*").
 */
export function createStripTrustHeaders(stripHeaders: readonly string[] = []) {
  const isForeignIdentityHeader = headerNameMatcher(stripHeaders);
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    c.set("clientHeaders", sanitiseClientHeaders(c.req.raw.headers, isForeignIdentityHeader));
    await next();
  });
}
