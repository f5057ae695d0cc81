import { errorBody, GatewayError, PROXY_STATUS_HEADER, proxyStatusEntry } from "@gateway/types";
import type { Context } from "hono";
import type { EdgeHonoEnv } from "../../context.ts";

/** The one JSON error response. Unknown errors become a generic 500; details go to the log only. */
export function renderError(c: Context<EdgeHonoEnv>, error: unknown): Response {
  const requestId = c.get("requestId") ?? crypto.randomUUID();
  if (error instanceof GatewayError) {
    return jsonError(error, requestId);
  }
  console.error(
    JSON.stringify({
      level: "error",
      msg: "unhandled error at the edge",
      requestId,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    }),
  );
  return jsonError(new GatewayError("internal_error", "internal error"), requestId);
}

export function jsonError(error: GatewayError, requestId: string): Response {
  const headers = new Headers(error.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("cache-control", "no-store");
  headers.set(PROXY_STATUS_HEADER, proxyStatusEntry("edge", error.code, error.proxyError));
  return new Response(JSON.stringify(errorBody(error.code, error.message, requestId)), {
    status: error.status,
    headers,
  });
}
