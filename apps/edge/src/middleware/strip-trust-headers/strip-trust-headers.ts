import { isClientTrustHeader } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";
import { withoutHopByHop } from "./hop-by-hop.ts";

/** A copy of the client's headers without anything a client must not be able to assert. */
export function sanitiseClientHeaders(headers: Headers): Headers {
  const kept = withoutHopByHop(headers);
  for (const name of [...kept.keys()]) {
    if (isClientTrustHeader(name) || name === "host") kept.delete(name);
  }
  return kept;
}

/**
 * Puts the sanitised copy of the client's headers (incoming headers are
 * immutable on Workers) in the context; every later step reads `clientHeaders`,
 * never the raw ones.
 */
export function createStripTrustHeaders() {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    c.set("clientHeaders", sanitiseClientHeaders(c.req.raw.headers));
    await next();
  });
}
