import type { Handler } from "hono";
import type { EdgeHonoEnv } from "../../context.ts";

/** Liveness of this isolate; no auth, no call to central. */
export function createHealthEndpoint(): Handler<EdgeHonoEnv> {
  return (c) => {
    c.header("cache-control", "no-store");
    return c.json({ status: "ok", tier: "edge" });
  };
}
