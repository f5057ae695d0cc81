import { createMiddleware } from "hono/factory";
import { keysNotAccepted, withoutQueryParam } from "../../api-keys/index.ts";
import type { EdgeHonoEnv } from "../../context.ts";
import { ANONYMOUS, type Authenticator } from "./authenticator.ts";
import { missingCredentials } from "./challenges.ts";

export interface Authenticators {
  jwt: Authenticator;
  apiKey: Authenticator;
  /** The API key header (apiKeys.header): removed once the route has authenticated. */
  apiKeyHeader?: string;
}

const BEARER_KEY = /^Bearer\s+gw_/i;

/**
 * Sets `identity` per the route's auth mode; 401 (with WWW-Authenticate) otherwise.
 * An API key on a JWT-only route is a 403. A route's API key query parameter is
 * removed from the target whatever happens, so it never reaches central or a service.
 */
export function createAuthentication(authenticators: Authenticators) {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const route = c.get("route");
    const headers = c.get("clientHeaders");
    const target = c.get("target");
    if (route.apiKeyQueryParam !== undefined) {
      c.set("target", { ...target, query: withoutQueryParam(target.query, route.apiKeyQueryParam) });
    }
    switch (route.auth) {
      case "public":
        c.set("identity", { ...ANONYMOUS, roles: [], scopes: [] });
        break;
      case "jwt": {
        const bearerIsKey = BEARER_KEY.test(headers.get("authorization") ?? "");
        const carriesKey = authenticators.apiKey.hasCredentials(headers, target, route);
        if (carriesKey && (bearerIsKey || !authenticators.jwt.hasCredentials(headers)))
          throw keysNotAccepted();
        c.set("identity", await authenticators.jwt.authenticate(headers, route));
        break;
      }
      case "api_key":
        c.set("identity", await authenticators.apiKey.authenticate(headers, route, target));
        break;
      case "any": {
        // API keys first: `Bearer gw_…` is a key, not a JWT.
        const chosen = authenticators.apiKey.hasCredentials(headers, target, route)
          ? authenticators.apiKey
          : authenticators.jwt.hasCredentials(headers)
            ? authenticators.jwt
            : undefined;
        if (!chosen) throw missingCredentials("missing credentials: send a bearer token or an API key");
        c.set("identity", await chosen.authenticate(headers, route, target));
        break;
      }
    }
    if (route.auth !== "public") {
      // The signed identity stands for the key from here on: it never travels further.
      if (authenticators.apiKeyHeader !== undefined) headers.delete(authenticators.apiKeyHeader);
      if (BEARER_KEY.test(headers.get("authorization") ?? "")) headers.delete("authorization");
    }
    await next();
  });
}
