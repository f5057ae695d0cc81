import { createRouteMatcher, normalizePath } from "@gateway/config";
import type { RouteConfig } from "@gateway/types";
import { GatewayError, targetPath } from "@gateway/types";
import type { RequestHandler } from "express";
import { gatewayContext } from "../../context.ts";
import { authorizationError } from "./authorize.ts";

/**
 * Normalises the path, matches a route, checks the method and re-checks
 * authorisation. Needs `context.identity` (runs after identity verification).
 */
export function createRouting(routes: readonly RouteConfig[]): RequestHandler {
  const matcher = createRouteMatcher(routes);
  return (req, res, next) => {
    const context = gatewayContext(res);
    const normalised = normalizePath(targetPath(req.url));
    if (!normalised.ok) {
      next(new GatewayError("invalid_path", `invalid request path: ${normalised.reason}`));
      return;
    }
    context.path = normalised.path;
    const route = matcher.match(normalised.path);
    if (route === undefined) {
      next(new GatewayError("not_found", "no route for this path"));
      return;
    }
    context.route = route;
    if (!(route.methods as readonly string[]).includes(req.method)) {
      next(
        new GatewayError("method_not_allowed", `${req.method} is not allowed here`, {
          allow: route.methods.join(", "),
        }),
      );
      return;
    }
    const identity = context.identity;
    if (identity === undefined) {
      next(new GatewayError("unauthorized", "identity token required"));
      return;
    }
    next(authorizationError(route, identity));
  };
}
