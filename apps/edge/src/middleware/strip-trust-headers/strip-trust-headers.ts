import {
  connectionHeaderNames,
  HOP_BY_HOP_HEADERS,
  headerNameMatcher,
  isClientTrustHeader,
  type LimitsConfig,
} from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";
import { checkHeaderLimits, rejectWebSocketUpgrade } from "./header-limits.ts";

const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);

/** Names listed in a Connection header (RFC 9110 §7.6.1): connection-specific for this hop only. */
export function connectionListedHeaders(headers: Headers): Set<string> {
  return connectionHeaderNames(headers.get("connection"));
}

/** A copy of `headers` without hop-by-hop headers (fixed list and those named in Connection). */
export function withoutHopByHop(headers: Headers): Headers {
  const listed = connectionListedHeaders(headers);
  const kept = new Headers();
  for (const [name, value] of headers) {
    if (!HOP_BY_HOP.has(name) && !listed.has(name)) kept.append(name, value);
  }
  return kept;
}

/**
 * A copy of the client's headers without anything a client must not be able to assert: the
 * gateway's trust headers, and those `alsoStrip` matches (other proxies' identity headers,
 * `identity.stripHeaders`). Headers names are lower case here.
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
 * 431 for oversized header blocks and 501 for WebSocket upgrades, then the
 * sanitised copy of the headers (incoming headers are immutable on Workers) is
 * put in the context; every later step reads `clientHeaders`, never the raw ones.
 */
export function stripTrustHeaders(
  limits: Pick<LimitsConfig, "maxHeaderBytes" | "maxHeaderCount">,
  stripHeaders: readonly string[] = [],
) {
  const isForeignIdentityHeader = headerNameMatcher(stripHeaders);
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    checkHeaderLimits(c.req.raw.headers, limits);
    rejectWebSocketUpgrade(c.req.raw.headers);
    c.set("clientHeaders", sanitiseClientHeaders(c.req.raw.headers, isForeignIdentityHeader));
    await next();
  });
}
