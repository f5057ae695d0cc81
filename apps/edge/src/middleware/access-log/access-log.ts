import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

/** One access-log entry per request; the same field names central uses. */
export interface EdgeAccessLogEntry {
  ts: string;
  level: "info" | "warn" | "error";
  tier: "edge";
  msg: "request";
  requestId: string;
  method: string;
  /** The normalised path without the query (queries may carry secrets). */
  path: string;
  route: string | undefined;
  status: number;
  latencyMs: number;
  consumer: string | undefined;
}

export type EdgeLogSink = (entry: EdgeAccessLogEntry) => void;

/** Workers Logs / `wrangler tail` collect console output: one JSON line per request. */
export const consoleLogSink: EdgeLogSink = (entry) => console.log(JSON.stringify(entry));

export function createAccessLog(options: { now: () => number; sink: EdgeLogSink }) {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const startedAt = options.now();
    try {
      await next();
    } finally {
      const status = c.res.status;
      options.sink({
        ts: new Date(options.now()).toISOString(),
        level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
        tier: "edge",
        msg: "request",
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.get("target")?.path ?? "(unrouted)",
        route: c.get("route")?.name,
        status,
        latencyMs: Math.max(0, options.now() - startedAt),
        consumer: c.get("identity")?.sub,
      });
    }
  });
}
