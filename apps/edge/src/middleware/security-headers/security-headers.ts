import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

/** Headers for responses the gateway writes itself (errors, health); proxied responses keep central's. */
export const GATEWAY_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
};

export function securityHeaders() {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    await next();
    if (c.get("proxied")) return;
    for (const [name, value] of Object.entries(GATEWAY_RESPONSE_HEADERS)) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
  });
}
