import type { IdentitySigner } from "@gateway/identity";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";
import { centralFailure } from "../forward/central-failure.ts";
import type { CentralFetcher } from "../forward/central-fetcher.ts";
import { clientResponse } from "../forward/response-headers.ts";
import { signIdentity } from "../forward/sign-identity.ts";

/** The WebSocket handshake fields workerd writes itself on the subrequest (it runs its own handshake with central). */
const HANDSHAKE_HEADERS = [
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "sec-websocket-accept",
];

export interface WebSocketForwardOptions {
  signer: IdentitySigner;
  fetcher: CentralFetcher;
}

/**
 * The forward step for a WebSocket handshake (marked `websocket` by the
 * upgrade check): the identity token is signed as for any request, the
 * subrequest to central carries `Upgrade: websocket`, and central's 101
 * response hands its WebSocket straight to the client, so workerd relays the
 * frames without running the Worker per message. Central's refusal (a JSON
 * error) reaches the client like any central response. Other requests pass on.
 */
export function createWebSocketForward(options: WebSocketForwardOptions) {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    if (c.get("websocket") !== true) {
      await next();
      return;
    }
    const prepared = c.get("forwardRequest");
    for (const name of HANDSHAKE_HEADERS) prepared.headers.delete(name);
    prepared.headers.set("upgrade", "websocket");
    const request = await signIdentity(prepared, c.get("identity"), options.signer);
    let upstream: Response;
    try {
      upstream = await options.fetcher.fetch(request);
    } catch (error) {
      throw centralFailure(error, request, {
        requestId: c.get("requestId"),
        maxBodyBytes: c.get("route").maxBodyBytes,
      });
    }
    c.set("proxied", true);
    const webSocket = upstream.webSocket;
    if (upstream.status !== 101 || webSocket === null || webSocket === undefined)
      return clientResponse(upstream);
    const headers = new Headers();
    const protocol = upstream.headers.get("sec-websocket-protocol");
    if (protocol !== null) headers.set("sec-websocket-protocol", protocol);
    return new Response(null, { status: 101, webSocket, headers });
  });
}
