import { type IncomingMessage, type RequestListener, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { rewritePath } from "@gateway/config";
import type { IdentitySigner } from "@gateway/identity";
import { GatewayError, type RouteConfig, targetQuery, type WebSocketRouteConfig } from "@gateway/types";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import WebSocket, { WebSocketServer } from "ws";
import { gatewayContext } from "../context.ts";
import { setForwardHeaders } from "../proxy/forward-headers.ts";
import { relayResponse } from "../proxy/relay-response.ts";
import { unavailableError } from "../upstream/call.ts";
import type { AttemptFailure, Lease, UpstreamPool } from "../upstream/types.ts";
import { type Bridge, bridgeWebSockets } from "./bridge.ts";
import { type ClientHandshake, readHandshake, restoreHandshake } from "./handshake.ts";
import { handshakeFailureOf } from "./upstream-error.ts";
import { targetUrl, upstreamHeaders, type WebSocketTarget, websocketTarget } from "./upstream-target.ts";

export { isWebSocketUpgrade } from "./handshake.ts";

/** The HTTP server's `upgrade` event handler. */
export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface WebSocketRelayDeps {
  /** Signs the service token on the upstream handshake, as for HTTP requests. */
  signer: IdentitySigner;
  logger: Logger;
  /**
   * The route's upstream pool (the proxy's): a handshake takes a lease on a target its
   * breaker admits and reports how the handshake went. Without one (split routes), round robin.
   */
  poolOf?: (route: string) => UpstreamPool | undefined;
}

export interface WebSocketRelay {
  /** After routing: refuses a handshake on a route without `websocket.enabled` (501) or a malformed one (400). */
  gate: RequestHandler;
  /** After the rate limit and replay check: opens the upstream WebSocket and relays; passes other requests on. */
  relay: RequestHandler;
  /** The `upgrade` listener that runs a WebSocket handshake through `app` (central's whole request path). */
  listener(app: RequestListener): UpgradeListener;
  /** Open connections per route (for /readyz?verbose and tests). */
  connections(): Record<string, number>;
  /** Closes every relayed connection with 1001. */
  close(): void;
}

interface RouteState {
  settings: WebSocketRouteConfig;
  targets: WebSocketTarget[];
  server: WebSocketServer;
  active: number;
  next: number;
}

interface PendingHandshake {
  socket: Duplex;
  head: Buffer;
  handshake: ClientHandshake | { problem: string };
}

/** A refused handshake must not keep the socket: end it after the JSON answer, cut it if the peer never reads. */
function closeAfterResponse(res: ServerResponse, socket: Duplex): void {
  res.once("finish", () => {
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  });
}

/**
 * WebSocket pass-through (docs/traffic.md): a handshake goes through central's
 * request path like any request (identity token, trusted headers, routing,
 * exact rate limit: one decision per connection), then central opens the
 * upstream WebSocket with the service token and, once the service accepted,
 * completes the client's handshake and relays messages with the route's
 * timeouts, message limit and connection cap.
 */
export function createWebSocketRelay(
  routes: readonly RouteConfig[],
  deps: WebSocketRelayDeps,
): WebSocketRelay {
  const states = new Map<string, RouteState>();
  const chosenProtocol = new WeakMap<IncomingMessage, string>();
  for (const route of routes) {
    if (route.websocket?.enabled !== true || route.grpc !== undefined) continue;
    const settings = route.websocket;
    states.set(route.name, {
      settings,
      targets: route.upstream.urls.map(websocketTarget),
      server: new WebSocketServer({
        noServer: true,
        clientTracking: false,
        perMessageDeflate: false,
        maxPayload: settings.maxMessageBytes,
        // The client gets the subprotocol the service picked, or none.
        handleProtocols: (_offered, req) => chosenProtocol.get(req) || false,
      }),
      active: 0,
      next: 0,
    });
  }
  const pending = new WeakMap<IncomingMessage, PendingHandshake>();
  const bridges = new Set<Bridge>();

  const gate: RequestHandler = (req, res, next) => {
    const entry = pending.get(req);
    if (entry === undefined) {
      next();
      return;
    }
    if ("problem" in entry.handshake) {
      next(new GatewayError("bad_request", entry.handshake.problem));
      return;
    }
    const route = gatewayContext(res).route;
    if (route === undefined || !states.has(route.name)) {
      next(new GatewayError("not_implemented", "WebSocket upgrades are not allowed on this route"));
      return;
    }
    next();
  };

  const relay: RequestHandler = (req, res, next) => {
    const entry = pending.get(req);
    if (entry === undefined) {
      next();
      return;
    }
    pending.delete(req);
    const context = gatewayContext(res);
    const { route, path, identity } = context;
    const state = route === undefined ? undefined : states.get(route.name);
    const handshake = entry.handshake;
    if (
      route === undefined ||
      path === undefined ||
      identity === undefined ||
      state === undefined ||
      "problem" in handshake
    ) {
      next(new Error("WebSocket relay reached without a checked handshake, route and identity"));
      return;
    }
    if (state.active >= state.settings.maxConnections) {
      next(
        new GatewayError("overloaded", "too many WebSocket connections on this route", {
          "retry-after": "1",
        }),
      );
      return;
    }
    state.active += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      state.active -= 1;
    };
    const { socket, head } = entry;
    const pool = deps.poolOf?.(route.name);
    let lease: Lease | undefined;
    let target: WebSocketTarget;
    if (pool === undefined) {
      target = state.targets[state.next++ % state.targets.length] as WebSocketTarget;
    } else {
      const picked = pool.pick();
      if (!picked.ok) {
        release();
        next(unavailableError(picked.reason, picked.retryAfterMs));
        return;
      }
      lease = picked.lease;
      // The pool's targets are the route's upstream URLs, in the same order.
      target = state.targets[lease.target.index] as WebSocketTarget;
    }
    const handshakeStartedAt = Date.now();
    const report = (outcome: "cancelled" | AttemptFailure | number) => {
      const latencyMs = Date.now() - handshakeStartedAt;
      if (outcome === "cancelled") lease?.report({ kind: "cancelled" });
      else if (typeof outcome === "number") lease?.report({ kind: "response", status: outcome, latencyMs });
      else lease?.report({ kind: "failure", failure: outcome, latencyMs });
    };
    const url = targetUrl(target, rewritePath(route, path), targetQuery(req.url));
    const pathAndQuery = url.slice(target.origin.length);

    setForwardHeaders(
      req,
      context,
      identity,
      { method: "GET", pathAndQuery, audience: route.name },
      deps.signer,
    ).then(
      () => {
        if (socket.destroyed) {
          report("cancelled");
          release();
          return;
        }
        context.upstream = target.origin;
        let upstream: WebSocket;
        try {
          upstream = new WebSocket(url, handshake.protocols, {
            headers: upstreamHeaders(req.headers) as Record<string, string>,
            perMessageDeflate: false,
            maxPayload: state.settings.maxMessageBytes,
            handshakeTimeout: route.timeoutMs,
            followRedirects: false,
          });
        } catch (error) {
          report("cancelled");
          release();
          next(error);
          return;
        }
        let settled = false;
        const clientLeft = () => {
          if (settled) return;
          settled = true;
          upstream.terminate();
          report("cancelled");
          release();
        };
        socket.once("close", clientLeft);
        upstream.once("unexpected-response", (upstreamReq, upstreamRes) => {
          if (settled) return;
          settled = true;
          socket.off("close", clientLeft);
          report(upstreamRes.statusCode ?? 502);
          // The service refused the handshake (401, 404, ...): the client gets its answer.
          res.once("close", () => {
            upstreamReq.destroy();
            release();
          });
          relayResponse(upstreamRes, res);
        });
        upstream.on("error", (error: Error & { code?: string }) => {
          if (settled) return;
          settled = true;
          socket.off("close", clientLeft);
          const failed = handshakeFailureOf(error);
          report(failed.failure);
          release();
          next(failed.error);
        });
        upstream.once("open", () => {
          if (settled) {
            upstream.terminate();
            return;
          }
          settled = true;
          socket.off("close", clientLeft);
          report(101);
          if (socket.destroyed || !socket.writable) {
            upstream.terminate();
            release();
            return;
          }
          res.statusCode = 101;
          chosenProtocol.set(req, upstream.protocol);
          restoreHandshake(req, handshake);
          let upgraded = false;
          state.server.handleUpgrade(req, socket, head, (client) => {
            upgraded = true;
            const startedAt = Date.now();
            const bridge = bridgeWebSockets(client, upstream, {
              idleTimeoutMs: state.settings.idleTimeoutSeconds * 1000,
              maxLifetimeMs: state.settings.maxLifetimeSeconds * 1000,
              onEnd: (summary) => {
                bridges.delete(bridge);
                release();
                deps.logger.info(
                  {
                    requestId: context.requestId,
                    route: route.name,
                    consumer: identity.sub,
                    durationMs: Date.now() - startedAt,
                    ...summary,
                  },
                  "websocket closed",
                );
              },
            });
            bridges.add(bridge);
          });
          // ws completes the upgrade synchronously or refuses it itself (and destroys the socket).
          if (!upgraded) {
            upstream.terminate();
            release();
          }
        });
      },
      (error: unknown) => {
        report("cancelled");
        release();
        next(error);
      },
    );
  };

  const listener =
    (app: RequestListener): UpgradeListener =>
    (req, socket, head) => {
      socket.on("error", () => socket.destroy());
      const res = new ServerResponse(req);
      res.assignSocket(socket as Socket);
      res.shouldKeepAlive = false;
      closeAfterResponse(res, socket);
      pending.set(req, { socket, head, handshake: readHandshake(req) });
      app(req, res);
    };

  return {
    gate,
    relay,
    listener,
    connections() {
      const result: Record<string, number> = {};
      for (const [name, state] of states) result[name] = state.active;
      return result;
    },
    close() {
      for (const bridge of bridges) bridge.end(1001, "gateway shutting down");
    },
  };
}
