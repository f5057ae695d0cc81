import { GatewayError, type ProxyErrorType } from "@gateway/types";
import type { PreparedRequest } from "./prepared-request.ts";

/**
 * The client's answer when sending to central failed: 413 when the body's limit
 * aborted the upload, 400 when the client's body could not be read, otherwise 502 upstream_error (the cause is logged, never sent).
 */
export function centralFailure(
  error: unknown,
  request: PreparedRequest,
  context: { requestId: string; maxBodyBytes: number },
): GatewayError {
  if (request.body?.exceeded()) {
    return new GatewayError("payload_too_large", `request body exceeds ${context.maxBodyBytes} bytes`);
  }
  if (request.body?.malformed()) return new GatewayError("bad_request", "the request body is malformed");
  console.error(
    JSON.stringify({
      level: "error",
      msg: "central unreachable",
      requestId: context.requestId,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    }),
  );
  return new GatewayError(
    "upstream_error",
    "the gateway could not reach the upstream tier",
    {},
    {
      proxyError: proxyErrorOf(error),
    },
  );
}

/** workerd's fetch reports failures by message only; refused and timed-out connections are named (Proxy-Status). */
function proxyErrorOf(error: unknown): ProxyErrorType {
  const message = error instanceof Error ? error.message : String(error);
  if (/refused/i.test(message)) return "connection_refused";
  if (/timed? ?out/i.test(message)) return "connection_timeout";
  return "destination_unavailable";
}
