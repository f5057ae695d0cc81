import { GATEWAY_SECURITY_HEADERS, STRICT_TRANSPORT_SECURITY } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

/**
 * HSTS is a property of the edge host, so it goes on every response served over
 * https; the other security headers only on responses the gateway writes itself
 * (errors, health): proxied responses keep central's.
 */
export function createSecurityHeaders() {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    await next();
    // On plain http the header is ignored by browsers and would only mislead (RFC 6797 §7.2).
    if (c.req.raw.url.startsWith("https:") && !c.res.headers.has("strict-transport-security")) {
      c.res.headers.set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
    }
    c.res.headers.delete("server");
    if (c.get("proxied")) return;
    for (const [name, value] of Object.entries(GATEWAY_SECURITY_HEADERS)) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
  });
}
