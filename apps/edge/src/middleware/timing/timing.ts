import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

/**
 * X-Gateway-Duration and a Server-Timing "edge" entry, appended after central's
 * own Server-Timing entries. On Workers the clock advances only across I/O, so
 * this measures time spent waiting (mostly on central), not CPU.
 */
export function createTiming(now: () => number) {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const startedAt = now();
    await next();
    const duration = Math.max(0, Math.round(now() - startedAt));
    c.res.headers.set("x-gateway-duration", String(duration));
    c.res.headers.append("server-timing", `edge;dur=${duration}`);
  });
}
