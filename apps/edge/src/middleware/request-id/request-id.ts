import { acceptedRequestId, REQUEST_ID_HEADER } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";
import { validTraceparent } from "./traceparent.ts";

/** Accepts a well-formed incoming X-Request-ID or makes one; echoes it on every response. */
export function createRequestId(generate: () => string = () => crypto.randomUUID()) {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const id = acceptedRequestId(c.req.raw.headers.get(REQUEST_ID_HEADER)) ?? generate();
    c.set("requestId", id);
    c.set("traceparent", validTraceparent(c.req.raw.headers.get("traceparent")));
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, id);
  });
}
