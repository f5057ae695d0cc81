import type { ClientRequest, ServerResponse } from "node:http";
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

export function createExchange(res: ServerResponse, route: RouteConfig, requestId: string): Exchange {
  const cleanups: Array<() => void> = [];
  let state: ExchangeState = "waiting";
  const end = () => {
    state = "over";
    for (const cleanup of cleanups.splice(0)) cleanup();
    exchange.proxyReq?.destroy();
  };
  const exchange: Exchange = {
    route,
    requestId,
    get state() {
      return state;
    },
    fail(error) {
      if (state === "over") return;
      const wasWaiting = state === "waiting";
      end();
      if (wasWaiting) sendGatewayError(res, error, requestId);
      else res.destroy();
    },
    respond() {
      if (state !== "waiting") return false;
      state = "streaming";
      clearTimeout(timer);
      return true;
    },
    abandon() {
      if (state !== "over") end();
    },
    onOver(cleanup) {
      if (state === "over") cleanup();
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
