import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { IdentityVerifier } from "@gateway/identity";
import { verifyNodeRequest } from "@gateway/identity/node";
import { errorBody, REQUEST_ID_HEADER } from "@gateway/types";
import { WebSocketServer } from "ws";
import type { Logger } from "./app.ts";

const ECHO_PATH = "/ws/echo";
const MAX_MESSAGE_BYTES = 64 * 1024;
const ECHO_PROTOCOL = "echo.v1";

function refuse(
  socket: Duplex,
  status: string,
  code: "invalid_identity" | "not_found",
  message: string,
  requestId: string,
) {
  const body = JSON.stringify(errorBody(code, message, requestId));
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * A WebSocket echo at /ws/echo (the `ws` route of gateway.config.yaml): the
 * handshake must carry central's identity token, verified like any request
 * (bound to GET and this exact target). The first message the client gets
 * is `{"type":"welcome", sub, roles, aud, iss, path, protocol}` from the verified
 * claims; every message after that is echoed back as it came.
 */
export function attachWebSocketEcho(
  server: Server,
  options: { verifier: IdentityVerifier; logger: Logger },
): void {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_MESSAGE_BYTES,
    // Shows that subprotocol negotiation crosses the gateway: "echo.v1" is picked when offered.
    handleProtocols: (offered) => (offered.has(ECHO_PROTOCOL) ? ECHO_PROTOCOL : false),
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const requestId = String(req.headers[REQUEST_ID_HEADER] ?? "");
    const path = (req.url ?? "/").split("?")[0];
    if (path !== ECHO_PATH) {
      refuse(socket, "404 Not Found", "not_found", "no WebSocket endpoint here", requestId);
      return;
    }
    void verifyNodeRequest(options.verifier, req).then((verified) => {
      if (!verified.ok) {
        options.logger({
          service: "demo-users",
          requestId,
          path,
          websocket: "refused",
          identityFailure: verified.reason,
        });
        refuse(socket, "401 Unauthorized", "invalid_identity", verified.message, requestId);
        return;
      }
      const claims = verified.claims;
      wss.handleUpgrade(req, socket, head, (ws) => {
        options.logger({ service: "demo-users", requestId, path, websocket: "open", sub: claims.sub });
        ws.send(
          JSON.stringify({
            type: "welcome",
            sub: claims.sub,
            roles: claims.roles,
            aud: claims.aud,
            iss: claims.iss,
            path: req.url,
            protocol: ws.protocol,
          }),
        );
        ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
        ws.on("error", () => {});
        ws.on("close", (code) => {
          options.logger({ service: "demo-users", requestId, path, websocket: "closed", code });
        });
      });
    });
  });
}
