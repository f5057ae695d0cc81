import { GatewayError } from "@gateway/types";

/** Why the upstream handshake failed, as the client's JSON error (the client's handshake is not answered yet). */
export function upstreamErrorFor(error: Error & { code?: string }): GatewayError {
  if (error.code === "ECONNREFUSED")
    return new GatewayError(
      "upstream_error",
      "upstream refused the connection",
      {},
      { proxyError: "connection_refused" },
    );
  if (error.code === "ENOTFOUND" || error.code === "EAI_AGAIN")
    return new GatewayError("upstream_error", "upstream host not found", {}, { proxyError: "dns_error" });
  if (error.message.includes("handshake has timed out"))
    return new GatewayError(
      "upstream_timeout",
      "upstream did not complete the WebSocket handshake in time",
      {},
      { proxyError: "connection_timeout" },
    );
  if (error.code === "ECONNRESET")
    return new GatewayError(
      "upstream_error",
      "upstream closed the connection",
      {},
      { proxyError: "connection_terminated" },
    );
  return new GatewayError(
    "upstream_error",
    "upstream answered the WebSocket handshake invalidly",
    {},
    { proxyError: "http_protocol_error" },
  );
}
