import WebSocket from "ws";
import { CLOSE, closeReason, isSendableCode } from "./close-codes.ts";

/** Past this many bytes queued towards one side, reading from the other side pauses until it drains. */
const HIGH_WATER_BYTES = 1024 * 1024;
const LOW_WATER_BYTES = 256 * 1024;
const TOO_BIG = "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";

export interface BridgeOptions {
  idleTimeoutMs: number;
  maxLifetimeMs: number;
  /** Called once, when both sides are closed. */
  onEnd(summary: BridgeSummary): void;
}

export interface BridgeSummary {
  /** Close code each side reported (1005 none, 1006 abnormal). */
  clientCode: number;
  upstreamCode: number;
  /** Why central closed the connection itself, if it did. */
  closedBy?: string;
  messagesFromClient: number;
  messagesFromUpstream: number;
}

export interface Bridge {
  /** Closes both sides with this code and reason (e.g. 1001 on shutdown). */
  end(code: number, reason: string): void;
}

type Side = "client" | "upstream";

/**
 * Relays messages between the client's and the upstream's WebSocket, both
 * open. Each side's close is passed on with its code and reason; an abnormal
 * end of the upstream becomes 1014 for the client. Central closes both sides
 * with 1001 after `idleTimeoutMs` without a frame (messages, pings and pongs
 * in either direction count) and after `maxLifetimeMs`.
 */
export function bridgeWebSockets(client: WebSocket, upstream: WebSocket, options: BridgeOptions): Bridge {
  const counts = { client: 0, upstream: 0 };
  const codes: Partial<Record<Side, number>> = {};
  const errors: Partial<Record<Side, string | undefined>> = {};
  let ending: { code: number; reason: string } | undefined;

  const end = (code: number, reason: string) => {
    if (ending !== undefined) return;
    ending = { code, reason };
    closeSide(client, code, reason);
    closeSide(upstream, code, reason);
  };
  const idle = setTimeout(() => end(CLOSE.goingAway, "idle timeout"), options.idleTimeoutMs);
  const lifetime = setTimeout(
    () => end(CLOSE.goingAway, "connection lifetime reached"),
    options.maxLifetimeMs,
  );
  idle.unref();
  lifetime.unref();
  const touch = () => idle.refresh();

  const relay = (from: WebSocket, to: WebSocket, side: Side) => {
    let paused = false;
    const drained = () => {
      if (paused && to.bufferedAmount <= LOW_WATER_BYTES) {
        paused = false;
        from.resume();
      }
    };
    from.on("message", (data: WebSocket.RawData, isBinary: boolean) => {
      touch();
      counts[side] += 1;
      if (to.readyState !== WebSocket.OPEN) return;
      to.send(data, { binary: isBinary }, drained);
      if (!paused && to.bufferedAmount > HIGH_WATER_BYTES) {
        paused = true;
        from.pause();
      }
    });
    from.on("ping", touch);
    from.on("pong", touch);
    from.on("error", (error: Error & { code?: string }) => {
      errors[side] = error.code;
    });
  };
  relay(client, upstream, "client");
  relay(upstream, client, "upstream");

  const finish = () => {
    if (codes.client === undefined || codes.upstream === undefined) return;
    clearTimeout(idle);
    clearTimeout(lifetime);
    options.onEnd({
      clientCode: codes.client,
      upstreamCode: codes.upstream,
      ...(ending === undefined ? {} : { closedBy: ending.reason }),
      messagesFromClient: counts.client,
      messagesFromUpstream: counts.upstream,
    });
  };

  client.on("close", (code: number, reason: Buffer) => {
    codes.client = code;
    if (ending === undefined) {
      if (errors.client === TOO_BIG)
        closeSide(upstream, CLOSE.goingAway, "client sent a message over the size limit");
      else if (isSendableCode(code)) closeSide(upstream, code, closeReason(reason));
      else if (code === CLOSE.noStatus) closeSide(upstream);
      else closeSide(upstream, CLOSE.goingAway, "client went away");
    }
    finish();
  });
  upstream.on("close", (code: number, reason: Buffer) => {
    codes.upstream = code;
    if (ending === undefined) {
      if (errors.upstream === TOO_BIG)
        closeSide(client, CLOSE.badGateway, "upstream sent a message over the size limit");
      else if (isSendableCode(code)) closeSide(client, code, closeReason(reason));
      else if (code === CLOSE.noStatus) closeSide(client);
      else closeSide(client, CLOSE.badGateway, "upstream connection broke");
    }
    finish();
  });

  return { end };
}

/** Starts the closing handshake unless the side is already closing; a peer that never answers is cut by ws after 30 s. */
function closeSide(socket: WebSocket, code?: number, reason?: string): void {
  if (socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) return;
  if (socket.readyState === WebSocket.CONNECTING) {
    socket.terminate();
    return;
  }
  if (code === undefined) socket.close();
  else socket.close(code, reason);
}
