import type { IncomingMessage } from "node:http";

const WEBSOCKET = /(^|[\s,])websocket($|[\s,])/i;
const KEY = /^[+/0-9A-Za-z]{22}==$/;
/** RFC 6455 §4.1: subprotocols are HTTP tokens, listed once each. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The client's handshake headers, kept before the request path strips hop-by-hop headers. */
export interface ClientHandshake {
  upgrade: string;
  connection: string;
  key: string;
  version: string;
  /** Sec-WebSocket-Protocol values the client offers, in order. */
  protocols: string[];
}

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return typeof upgrade === "string" && WEBSOCKET.test(upgrade);
}

/** The handshake's fields (RFC 6455 §4.2.1), or why it is not a valid one. */
export function readHandshake(req: IncomingMessage): ClientHandshake | { problem: string } {
  if (req.method !== "GET") return { problem: "a WebSocket handshake must be a GET" };
  const { upgrade, connection } = req.headers;
  const key = req.headers["sec-websocket-key"];
  const version = req.headers["sec-websocket-version"];
  if (typeof key !== "string" || !KEY.test(key.trim()))
    return { problem: "Sec-WebSocket-Key is missing or invalid" };
  if (version !== "13") return { problem: "Sec-WebSocket-Version must be 13" };
  if (typeof connection !== "string" || !/(^|[\s,])upgrade($|[\s,])/i.test(connection))
    return { problem: "Connection must include upgrade" };
  const offered = req.headers["sec-websocket-protocol"];
  const protocols =
    typeof offered === "string"
      ? offered
          .split(",")
          .map((protocol) => protocol.trim())
          .filter((protocol) => protocol !== "")
      : [];
  if (protocols.some((protocol) => !TOKEN.test(protocol)) || new Set(protocols).size !== protocols.length)
    return { problem: "Sec-WebSocket-Protocol must list distinct tokens" };
  return { upgrade: upgrade as string, connection, key: key.trim(), version, protocols };
}

/** Puts the handshake headers back for the WebSocket server (the request path removed them as hop-by-hop). */
export function restoreHandshake(req: IncomingMessage, handshake: ClientHandshake): void {
  req.headers.upgrade = handshake.upgrade;
  req.headers.connection = handshake.connection;
  req.headers["sec-websocket-key"] = handshake.key;
  req.headers["sec-websocket-version"] = handshake.version;
  delete req.headers["sec-websocket-extensions"];
  if (handshake.protocols.length > 0) req.headers["sec-websocket-protocol"] = handshake.protocols.join(", ");
  else delete req.headers["sec-websocket-protocol"];
}
