import http from "node:http";
import type { Socket } from "node:net";
import type { IdentityVerifier } from "@gateway/identity";
import { listen } from "@gateway/testing";
import { IDENTITY_HEADER } from "@gateway/types";
import WebSocket, { WebSocketServer } from "ws";

export interface EchoHandshake {
  url: string;
  headers: http.IncomingHttpHeaders;
  sub: string;
  aud: string;
}

export interface EchoClose {
  code: number;
  reason: string;
}

export interface WebSocketEchoService {
  url: string;
  /** Handshakes the service accepted, in order. */
  handshakes: EchoHandshake[];
  /** Resolves with how the connection of consumer `sub` was closed, as the service saw it. */
  closeOf(sub: string): Promise<EchoClose>;
  close(): Promise<void>;
}

/**
 * A real WebSocket service (ws on node:http) behind central. It accepts a
 * handshake on /echo/<route> only with a central identity token that verifies
 * for that route (audience) and the exact request target, answers the first message with the
 * verified identity, then echoes. Commands: "break" destroys the TCP socket
 * without a close frame, "big:N" sends N bytes, "close:CODE:REASON" closes.
 * A plain GET gets 200 "plain http".
 */
export async function startWebSocketEcho(
  verifierFor: (audience: string) => Promise<IdentityVerifier>,
): Promise<WebSocketEchoService> {
  const handshakes: EchoHandshake[] = [];
  const closes = new Map<string, { promise: Promise<EchoClose>; resolve: (close: EchoClose) => void }>();
  const closeEntry = (sub: string) => {
    let entry = closes.get(sub);
    if (entry === undefined) {
      let resolve: (close: EchoClose) => void = () => {};
      const promise = new Promise<EchoClose>((done) => {
        resolve = done;
      });
      entry = { promise, resolve };
      closes.set(sub, entry);
    }
    return entry;
  };
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has("chat.v1") ? "chat.v1" : false),
  });
  const server = http.createServer((_req, res) => {
    res.end("plain http");
  });
  server.on("upgrade", (req, socket, head) => {
    const token = req.headers[IDENTITY_HEADER];
    const audience = (req.url ?? "").split(/[/?]/)[2] ?? "";
    void verifierFor(audience)
      .then((verify) =>
        verify.verify(typeof token === "string" ? token : "", { method: "GET", pathAndQuery: req.url ?? "" }),
      )
      .then((result) => {
        if (!result.ok) {
          socket.end(
            `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${result.reason.length}\r\nConnection: close\r\n\r\n${result.reason}`,
          );
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          handshakes.push({
            url: req.url ?? "",
            headers: req.headers,
            sub: result.claims.sub,
            aud: String(result.claims.aud),
          });
          let greeted = false;
          ws.on("message", (data, isBinary) => {
            const text = data.toString();
            if (!greeted) {
              greeted = true;
              ws.send(
                JSON.stringify({
                  sub: result.claims.sub,
                  aud: result.claims.aud,
                  url: req.url,
                  protocol: ws.protocol,
                }),
              );
              return;
            }
            if (text === "break") (socket as Socket).destroy();
            else if (text.startsWith("big:")) ws.send(Buffer.alloc(Number(text.slice(4)), 120));
            else if (text.startsWith("close:")) {
              const [, code, reason] = text.split(":");
              ws.close(Number(code), reason);
            } else ws.send(data, { binary: isBinary });
          });
          ws.on("error", () => {});
          ws.on("close", (code, reason) => {
            closeEntry(result.claims.sub).resolve({ code, reason: reason.toString() });
          });
        });
      });
  });
  const { url } = await listen(server);
  return {
    url,
    handshakes,
    closeOf: (sub) => closeEntry(sub).promise,
    async close() {
      server.closeAllConnections();
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** How a client-side WebSocket ended: its close code and reason. */
export function closed(ws: WebSocket): Promise<EchoClose> {
  return new Promise((resolve) => {
    ws.on("error", () => {});
    ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

/** The next message on `ws`, as text. */
export function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    ws.once("message", (data) => resolve(data.toString()));
    ws.once("close", (code) => reject(new Error(`closed with ${code} before a message`)));
  });
}

export interface RefusedHandshake {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Connects and expects the handshake to be refused: the HTTP status, headers and body central answered. */
export function refusedHandshake(
  url: string,
  options: WebSocket.ClientOptions = {},
): Promise<RefusedHandshake> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on("open", () => {
      ws.terminate();
      reject(new Error("the handshake was accepted"));
    });
    ws.on("error", () => {});
    ws.on("unexpected-response", (req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        });
        req.destroy();
      });
    });
  });
}

/** Opens a WebSocket and resolves once the handshake completed. */
export function opened(
  url: string,
  options: WebSocket.ClientOptions = {},
  protocols: string[] = [],
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) =>
      reject(new Error(`handshake refused with ${res.statusCode}`)),
    );
  });
}
