import { GatewayError } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

// reg-name / IPv4 / bracketed IPv6, optional port (RFC 9110 §7.2, RFC 3986 §3.2.2).
const HOST = /^(?:\[[0-9a-f:.]+\]|[a-z0-9\-._~%!$&'()*+;=]+)(?::\d{1,5})?$/i;

/**
 * What the runtime's HTTP parser let through but a request must not carry. workerd joins repeated
 * Host fields into "a, b" (RFC 9112 §3.2: more than one Host is a 400) and builds the request URL
 * from it; it accepts Content-Length together with Transfer-Encoding (RFC 9112 §6.1 allows a 400,
 * the choice that leaves no room for a front proxy framing the message differently).
 */
export function checkFraming(request: Request): void {
  const headers = request.headers;
  const host = headers.get("host");
  if (host !== null && !HOST.test(host.trim())) {
    throw new GatewayError("bad_request", "the Host header must name exactly one authority");
  }
  if (headers.has("transfer-encoding") && headers.has("content-length")) {
    throw new GatewayError("bad_request", "Content-Length and Transfer-Encoding must not both be sent");
  }
  if (!URL.canParse(request.url)) throw new GatewayError("bad_request", "invalid request target");
}

/** 400 for a malformed Host or ambiguous framing, before anything reads the request URL or body. */
export function createFramingChecks() {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    checkFraming(c.req.raw);
    await next();
  });
}
