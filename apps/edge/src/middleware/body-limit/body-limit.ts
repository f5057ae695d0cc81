import { GatewayError } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";
import { limitBody } from "./limit-body.ts";

const BODYLESS_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD"]);

/** 413 up front from Content-Length; otherwise the limit is enforced while the body streams to central. */
export function createBodyLimit() {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const maxBytes = c.get("route").maxBodyBytes;
    const declared = c.req.raw.headers.get("content-length");
    if (declared !== null) {
      if (!/^\d{1,15}$/.test(declared.trim()))
        throw new GatewayError("bad_request", "invalid Content-Length");
      if (Number(declared) > maxBytes) {
        throw new GatewayError("payload_too_large", `request body exceeds ${maxBytes} bytes`);
      }
    }
    const body = c.req.raw.body;
    c.set("body", body === null || BODYLESS_METHODS.has(c.req.raw.method) ? null : limitBody(body, maxBytes));
    await next();
  });
}
