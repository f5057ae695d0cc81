import { GatewayError, missingGrant } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

/** Every role and every scope the route lists must be held by the caller, else 403. */
export function createAuthorization() {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const missing = missingGrant(c.get("route"), c.get("identity"));
    if (missing === "role") throw new GatewayError("forbidden", "a required role is missing");
    if (missing === "scope") {
      throw new GatewayError("forbidden", "a required scope is missing", {
        "www-authenticate": 'Bearer realm="gateway", error="insufficient_scope"',
      });
    }
    await next();
  });
}
