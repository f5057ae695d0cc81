import type { IdentityClaims, RouteConfig } from "@gateway/types";
import { GatewayError, missingGrant } from "@gateway/types";

/**
 * Defence in depth: the edge already enforced the route's auth, roles and
 * scopes; central re-checks them against the signed claims so a misrouted or
 * misconfigured edge cannot widen access.
 */
export function authorizationError(route: RouteConfig, claims: IdentityClaims): GatewayError | undefined {
  if (route.auth !== "public") {
    if (claims.auth === "anonymous") return new GatewayError("unauthorized", "authentication required");
    if (route.auth !== "any" && claims.auth !== route.auth) {
      return new GatewayError("forbidden", "this route does not accept this authentication method");
    }
  }
  const missing = missingGrant(route, claims);
  return missing === undefined
    ? undefined
    : new GatewayError("forbidden", `a required ${missing} is missing`);
}
