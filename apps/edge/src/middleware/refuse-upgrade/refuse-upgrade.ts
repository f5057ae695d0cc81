import { createRouteMatcher, normalizePath } from "@gateway/config/routing";
import { type EdgeConfig, GatewayError } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv, EdgeRoute } from "../../context.ts";
import { rawRequestTarget } from "../route/request-target.ts";

const WEBSOCKET = /(^|[\s,])websocket($|[\s,/])/i;

export function isWebSocketUpgrade(headers: Headers): boolean {
  const upgrade = headers.get("upgrade");
  return upgrade !== null && WEBSOCKET.test(upgrade);
}

/**
 * Upgrade is hop-by-hop and never forwarded; a WebSocket handshake is answered
 * 501 instead of being silently turned into a plain request.
 */
export function rejectWebSocketUpgrade(headers: Headers): void {
  if (isWebSocketUpgrade(headers)) {
    throw new GatewayError("not_implemented", "WebSocket upgrades are not supported by this gateway");
  }
}

/**
 * 501 not_implemented for a WebSocket upgrade unless the route it is for has
 * `websocket.enabled` (then the request goes on, marked `websocket`, to be
 * authenticated and relayed like any request; see ../websocket/). Other Upgrade
 * requests lose the header (hop-by-hop).
 */
export function createRefuseUpgrade(config: Pick<EdgeConfig, "routes"> = { routes: [] }) {
  const websocketRoutes = config.routes.filter((route) => route.websocket?.enabled === true);
  const matcher = websocketRoutes.length === 0 ? undefined : createRouteMatcher<EdgeRoute>(config.routes);
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    if (isWebSocketUpgrade(c.req.raw.headers)) {
      if (matcher === undefined) rejectWebSocketUpgrade(c.req.raw.headers);
      const normalised = normalizePath(rawRequestTarget(c.req.raw.url).path);
      const route = normalised.ok ? matcher?.match(normalised.path) : undefined;
      if (route?.websocket?.enabled !== true) {
        throw new GatewayError("not_implemented", "WebSocket upgrades are not allowed on this route");
      }
      if (c.req.raw.method !== "GET")
        throw new GatewayError("bad_request", "a WebSocket handshake must be a GET");
      c.set("websocket", true);
    }
    await next();
  });
}
