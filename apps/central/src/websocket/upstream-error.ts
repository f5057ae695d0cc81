import { GatewayError } from "@gateway/types";
import type { AttemptFailure } from "../upstream/types.ts";

/** A failed upstream handshake: how it counts for the target's breaker, and the client's JSON error. */
export interface HandshakeFailure {
  failure: AttemptFailure;
  error: GatewayError;
}

/** Why the upstream handshake failed (the client's handshake is not answered yet). */
export function handshakeFailureOf(error: Error & { code?: string }): HandshakeFailure {
  if (error.code === "ECONNREFUSED")
    return {
      failure: "connect_error",
      error: new GatewayError(
        "upstream_error",
        "upstream refused the connection",
        {},
        { proxyError: "connection_refused" },
      ),
    };
  if (error.code === "ENOTFOUND" || error.code === "EAI_AGAIN")
    return {
      failure: "connect_error",
      error: new GatewayError("upstream_error", "upstream host not found", {}, { proxyError: "dns_error" }),
    };
  if (error.message.includes("handshake has timed out"))
    return {
      failure: "timeout",
      error: new GatewayError(
        "upstream_timeout",
        "upstream did not complete the WebSocket handshake in time",
        {},
        { proxyError: "connection_timeout" },
      ),
    };
  if (error.code === "ECONNRESET")
    return {
      failure: "reset",
      error: new GatewayError(
        "upstream_error",
        "upstream closed the connection",
        {},
        { proxyError: "connection_terminated" },
      ),
    };
  return {
    failure: "reset",
    error: new GatewayError(
      "upstream_error",
      "upstream answered the WebSocket handshake invalidly",
      {},
      { proxyError: "http_protocol_error" },
    ),
  };
}
