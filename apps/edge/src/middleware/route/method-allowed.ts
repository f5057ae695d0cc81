import { GatewayError } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

/**
 * 405 with Allow when the matched route does not accept the method. Separate
 * from createRouting() so CORS preflights (OPTIONS) can be answered in between.
 */
export function createMethodAllowed() {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const matched = c.get("route");
    const methods: readonly string[] = matched.methods;
    if (!methods.includes(c.req.raw.method)) {
      throw new GatewayError("method_not_allowed", `method ${c.req.raw.method} not allowed on this route`, {
        allow: matched.methods.join(", "),
      });
    }
    await next();
  });
}
