import { GatewayError } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

const WEBSOCKET = /(^|[\s,])websocket($|[\s,/])/i;

/**
 * Upgrade is hop-by-hop and never forwarded; a WebSocket handshake is answered
 * 501 instead of being silently turned into a plain request.
 */
export function rejectWebSocketUpgrade(headers: Headers): void {
  const upgrade = headers.get("upgrade");
  if (upgrade !== null && WEBSOCKET.test(upgrade)) {
    throw new GatewayError("not_implemented", "WebSocket upgrades are not supported by this gateway");
  }
}

/** 501 not_implemented for a WebSocket upgrade; other Upgrade requests lose the header (hop-by-hop). */
export function createRefuseUpgrade() {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    rejectWebSocketUpgrade(c.req.raw.headers);
    await next();
  });
}
