import type { RouteConfig } from "@gateway/types";
import type { RequestHandler } from "express";
import { gatewayContext } from "../../context.ts";
import { createVariantChooser, type VariantChooser } from "./choose.ts";

export {
  cookieValue,
  createVariantChooser,
  hashPoint,
  type VariantChooser,
  type VariantFacts,
} from "./choose.ts";

/** The header a service reads the chosen variant from; a client-sent one never gets through. */
export const VARIANT_HEADER = "x-gateway-variant";

/** The key of one upstream pool: the route's name, or "route/variant" on a split route (names have no "/"). */
export function upstreamKey(routeName: string, variant: string | undefined): string {
  return variant === undefined ? routeName : `${routeName}/${variant}`;
}

/**
 * The upstream pools a route needs, by key: one for a plain route, one per
 * variant on a split route (each with the route's resilience settings).
 */
export function upstreamRoutes(route: RouteConfig): Array<[key: string, route: RouteConfig]> {
  if (route.split === undefined) return [[route.name, route]];
  return route.split.variants.map((variant) => [
    upstreamKey(route.name, variant.name),
    // Named by its key, so the pool's logs and breaker metrics say which variant.
    { ...route, name: upstreamKey(route.name, variant.name), upstream: variant.upstream },
  ]);
}

export interface VariantRoutingDeps {
  /** Randomness for the weighted choice; default Math.random. */
  random?: () => number;
}

/**
 * Picks the variant of a split route (after routing, before the proxy): puts it
 * on the context (the proxy picks that pool, the access log records it) and in
 * `x-gateway-variant` for the service. Undefined when no route is split.
 */
export function createVariantRouting(
  routes: readonly RouteConfig[],
  deps: VariantRoutingDeps = {},
): RequestHandler | undefined {
  const random = deps.random ?? Math.random;
  const choosers = new Map<string, VariantChooser>();
  for (const route of routes) {
    if (route.split !== undefined)
      choosers.set(route.name, createVariantChooser(route.name, route.split, random));
  }
  if (choosers.size === 0) return undefined;
  return (req, res, next) => {
    delete req.headers[VARIANT_HEADER];
    const context = gatewayContext(res);
    const choose = context.route === undefined ? undefined : choosers.get(context.route.name);
    if (choose !== undefined) {
      const variant = choose({
        headers: req.headers,
        identity: context.identity,
        clientIp: context.clientIp,
      });
      context.variant = variant;
      req.headers[VARIANT_HEADER] = variant;
    }
    next();
  };
}
