import type { ClientRequest, IncomingMessage, ServerResponse } from "node:http";
import { GatewayError, type RouteConfig } from "@gateway/types";
import { sendGatewayError } from "../errors.ts";

type ExchangeState = "waiting" | "streaming" | "over";

/**
 * One proxied request. Who answers it (the upstream, or central with an error)
 * is decided exactly once, and every failure path (timeout, oversized body,
 * upstream error, client gone) goes through `fail` or `abandon`, so a late
 * event can never write a second response or leave an upstream socket open.
 */
export interface Exchange {
  readonly route: RouteConfig;
  readonly requestId: string;
  /** The request to the upstream, once it has a socket. */
  proxyReq?: ClientRequest;
  /** waiting: no response yet; streaming: the upstream's response is being relayed; over: nothing more to do. */
  readonly state: ExchangeState;
  /**
   * Waiting: central answers with `error` and aborts the upstream request.
   * Streaming: the response cannot be replaced, so both sides are cut.
   */
  fail(error: GatewayError): void;
  /** The upstream's response headers arrived; stops the response timer. Returns false if it is too late. */
  respond(): boolean;
  /** The client is gone, or the relay finished: release everything without answering. */
  abandon(): void;
  /** Runs once when the exchange is over (listeners, timers). */
  onOver(cleanup: () => void): void;
}

/** What createExchange builds: `state` is a field it updates, read-only to everyone else. */
type MutableExchange = Omit<Exchange, "state"> & { state: ExchangeState };

export function createExchange(res: ServerResponse, route: RouteConfig, requestId: string): Exchange {
  const cleanups: Array<() => void> = [];
  const end = () => {
    exchange.state = "over";
    for (const cleanup of cleanups.splice(0)) cleanup();
    exchange.proxyReq?.destroy();
  };
  // `state` is a data property, not a getter: a getter in an object literal is a new closure per
  // exchange, stored in an AccessorPair that V8 allocates in the old generation. That pair kept the
  // getter's context (the response, and through it the whole request) alive through every young-
  // generation GC until the next full one: ~10 KB promoted per proxied request, long scavenges.
  const exchange: MutableExchange = {
    route,
    requestId,
    state: "waiting",
    fail(error) {
      if (exchange.state === "over") return;
      const wasWaiting = exchange.state === "waiting";
      end();
      if (wasWaiting) sendGatewayError(res, error, requestId);
      else res.destroy();
    },
    respond() {
      if (exchange.state !== "waiting") return false;
      exchange.state = "streaming";
      clearTimeout(timer);
      return true;
    },
    abandon() {
      if (exchange.state !== "over") end();
    },
    onOver(cleanup) {
      if (exchange.state === "over") cleanup();
      else cleanups.push(cleanup);
    },
  };
  // The upstream must produce response headers within the route's timeout.
  const timer = setTimeout(() => {
    exchange.fail(new GatewayError("upstream_timeout", "upstream did not respond in time"));
  }, route.timeoutMs);
  exchange.onOver(() => clearTimeout(timer));
  res.once("close", () => exchange.abandon());
  return exchange;
}
const EXCHANGE = Symbol("central.exchange");
type CarriesExchange = IncomingMessage & { [EXCHANGE]?: Exchange };

/**
 * The exchange travels on the request object rather than in a
 * WeakMap<IncomingMessage, Exchange>: V8's young-generation GC treats WeakMap
 * values as strong, and an exchange reaches its request (through the
 * response), so every finished request stayed reachable until the next full
 * GC and its whole object graph (~16 KB) was promoted to the old generation.
 */
export function attachExchange(req: IncomingMessage, exchange: Exchange): void {
  (req as CarriesExchange)[EXCHANGE] = exchange;
}

/** The exchange of a proxied request (also once it is over), undefined for any other request. */
export function exchangeOf(req: IncomingMessage): Exchange | undefined {
  return (req as CarriesExchange)[EXCHANGE];
}
