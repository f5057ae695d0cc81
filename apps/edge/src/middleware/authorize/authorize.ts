import { GatewayError } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

/** Every role and every scope the route lists must be held by the caller, else 403. */
export function createAuthorization() {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const route = c.get("route");
    const identity = c.get("identity");
    const missingRole = route.roles.some((role) => !identity.roles.includes(role));
    if (missingRole) throw new GatewayError("forbidden", "a required role is missing");
    const missingScope = route.scopes.some((scope) => !identity.scopes.includes(scope));
    if (missingScope) {
      throw new GatewayError("forbidden", "a required scope is missing", {
        "www-authenticate": 'Bearer realm="gateway", error="insufficient_scope"',
      });
    }
    await next();
  });
}
