import type { EdgeRoute } from "../../context.ts";

/**
 * The client's credentials stop at the edge: once verified, the signed identity
 * token stands for them, so a service (or its logs) never holds a reusable
 * bearer token. `forwardAuthorization: true` keeps Authorization for routes
 * whose upstream needs it; X-API-Key is dropped whenever the route authenticates.
 * Cookie is not a gateway credential and passes through.
 */
export function removeConsumedCredentials(headers: Headers, route: EdgeRoute): void {
  if (!route.forwardAuthorization) headers.delete("authorization");
  if (route.auth !== "public") headers.delete("x-api-key");
}
