import type { ServerResponse } from "node:http";
import { GatewayError, type RouteConfig } from "@gateway/types";
import { sendGatewayError } from "../errors.ts";

type ExchangeState = "waiting" | "streaming" | "over";

/**
 * One proxied request. Who answers it (the upstream, or central with an error)
 * is decided exactly once, and every failure path (timeout, oversized body,
 * upstream error, client gone) goes through `fail` or `abandon`, so a late
 * event can never write a second response or leave an upstream socket open:
 * whatever holds upstream resources registers its release with `onOver`.
 */
export interface Exchange {
  readonly route: RouteConfig;
  readonly requestId: string;
  /** waiting: no response yet; streaming: the upstream's response is being relayed; over: nothing more to do. */
  readonly state: ExchangeState;
  /**
   * Waiting: central answers with `error` (and the upstream side is released).
   * Streaming: the response cannot be replaced, so both sides are cut.
   */
  fail(error: GatewayError): void;
  /** The upstream's response head arrived and will be relayed. Returns false if it is too late. */
  respond(): boolean;
  /** The client is gone, or the relay finished: release everything without answering. */
  abandon(): void;
  /** Runs once when the exchange is over (release upstream requests, timers, slots). */
  onOver(cleanup: () => void): void;
}

/** What createExchange builds: `state` is a field it updates, read-only to everyone else. */
type MutableExchange = Omit<Exchange, "state"> & { state: ExchangeState };

/** `totalMs`: the whole exchange, retries and response body included, or 504 / cut. */
export function createExchange(
  res: ServerResponse,
  route: RouteConfig,
  requestId: string,
  totalMs: number | undefined,
): Exchange {
  const cleanups: Array<() => void> = [];
  const end = () => {
    exchange.state = "over";
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  // `state` is a data property, not a getter: a getter in an object literal is a new closure per
  // exchange, stored in an AccessorPair that V8 allocates in the old generation, which kept the
  // whole request alive through young-generation GCs.
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
  if (totalMs !== undefined) {
    const timer = setTimeout(() => {
      exchange.fail(new GatewayError("upstream_timeout", "upstream did not respond in time"));
    }, totalMs);
    exchange.onOver(() => clearTimeout(timer));
  }
  // A client already gone never emits "close" again: the exchange is over before it starts.
  if (res.closed || res.destroyed) exchange.abandon();
  else res.once("close", () => exchange.abandon());
  return exchange;
}
