import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";
import { ANONYMOUS, type Authenticator } from "./authenticator.ts";
import { missingCredentials } from "./challenges.ts";

export interface Authenticators {
  jwt: Authenticator;
  apiKey: Authenticator;
}

/** Sets `identity` per the route's auth mode; 401 (with WWW-Authenticate) otherwise. */
export function createAuthentication(authenticators: Authenticators) {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const route = c.get("route");
    const headers = c.get("clientHeaders");
    switch (route.auth) {
      case "public":
        c.set("identity", { ...ANONYMOUS, roles: [], scopes: [] });
        break;
      case "jwt":
        c.set("identity", await authenticators.jwt.authenticate(headers, route));
        break;
      case "api_key":
        c.set("identity", await authenticators.apiKey.authenticate(headers, route));
        break;
      case "any": {
        const chosen = [authenticators.jwt, authenticators.apiKey].find((a) => a.hasCredentials(headers));
        if (!chosen) throw missingCredentials("missing credentials: send a bearer token");
        c.set("identity", await chosen.authenticate(headers, route));
        break;
      }
    }
    await next();
  });
}
