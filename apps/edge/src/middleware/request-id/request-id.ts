import {
  acceptedRequestId,
  formatTraceparent,
  newSpanId,
  newTraceId,
  parseTraceparent,
  REQUEST_ID_HEADER,
  validTracestate,
} from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

/**
 * Accepts a well-formed incoming X-Request-ID or makes one; echoes it on every response.
 * W3C trace context: a valid incoming traceparent (and its well-formed tracestate) is passed on
 * as is (the edge records no spans of its own); a missing or malformed one starts a new sampled
 * trace, and a tracestate without a valid traceparent is dropped.
 */
export function createRequestId(generate: () => string = () => crypto.randomUUID()) {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const id = acceptedRequestId(c.req.raw.headers.get(REQUEST_ID_HEADER)) ?? generate();
    c.set("requestId", id);
    const incoming = c.req.raw.headers.get("traceparent");
    const parent = parseTraceparent(incoming?.trim());
    if (parent !== undefined) {
      c.set("traceparent", formatTraceparent(parent.traceId, parent.parentId, parent.flags));
      c.set("traceId", parent.traceId);
      c.set("tracestate", validTracestate(c.req.raw.headers.get("tracestate")));
    } else {
      const traceId = newTraceId();
      c.set("traceparent", formatTraceparent(traceId, newSpanId(), "01"));
      c.set("traceId", traceId);
      c.set("tracestate", undefined);
    }
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, id);
  });
}
