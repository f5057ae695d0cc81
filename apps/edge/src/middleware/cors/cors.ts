import { type CorsConfig, GatewayError } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";
import { appendVary, originAllowed, preflightProblem, requestedHeaders } from "./cors-policy.ts";

/**
 * CORS decided at the edge from the route's `cors` block. Runs after the route
 * is matched and before the method check and authentication:
 * - a preflight (OPTIONS + Origin + Access-Control-Request-Method) on a route
 *   with cors is answered here: 204 with the allow headers, or 403 `forbidden`
 *   JSON (no CORS headers) when the origin, method or a header is not allowed.
 *   It never needs credentials and never reaches central.
 * - any other response (also errors) gets Access-Control-Allow-Origin echoing an
 *   allowed Origin, plus `Vary: Origin`.
 * Routes without cors get no CORS headers at all (central's are removed in forward).
 */
export function createCors() {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const policy = c.get("route").cors;
    const origin = c.req.raw.headers.get("origin");
    if (!policy || origin === null) return next();

    const request = c.req.raw;
    const preflightMethod = request.headers.get("access-control-request-method");
    if (request.method === "OPTIONS" && preflightMethod !== null) {
      const headers = requestedHeaders(request.headers.get("access-control-request-headers"));
      const problem = preflightProblem(policy, origin, preflightMethod, headers);
      if (problem) throw new GatewayError("forbidden", `CORS preflight refused: ${problem}`);
      return preflightResponse(policy, origin);
    }

    await next();
    appendVary(c.res.headers, "Origin");
    if (!originAllowed(policy, origin)) return;
    c.res.headers.set("access-control-allow-origin", origin);
    if (policy.credentials) c.res.headers.set("access-control-allow-credentials", "true");
    if (policy.exposeHeaders.length > 0) {
      c.res.headers.set("access-control-expose-headers", policy.exposeHeaders.join(", "));
    }
  });
}

function preflightResponse(policy: CorsConfig, origin: string): Response {
  const headers = new Headers({
    "access-control-allow-origin": origin,
    "access-control-allow-methods": policy.methods.join(", "),
    "access-control-max-age": String(policy.maxAgeSeconds),
    vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
  });
  if (policy.headers.length > 0) headers.set("access-control-allow-headers", policy.headers.join(", "));
  if (policy.credentials) headers.set("access-control-allow-credentials", "true");
  return new Response(null, { status: 204, headers });
}
