import { createRouteMatcher, normalizePath } from "@gateway/config/routing";
import { type EdgeConfig, GatewayError } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv, EdgeRoute } from "../../context.ts";
import { rawRequestTarget } from "./request-target.ts";

/** URL length, path normalisation and route match: 414 / 400 / 404. The method is checked by createMethodAllowed(). */
export function createRouting(config: Pick<EdgeConfig, "routes" | "limits">) {
  const matcher = createRouteMatcher<EdgeRoute>(config.routes);
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const url = c.req.raw.url;
    if (url.length > config.limits.maxUrlLength) {
      throw new GatewayError("uri_too_long", `URL longer than ${config.limits.maxUrlLength} characters`);
    }
    const raw = rawRequestTarget(url);
    const normalised = normalizePath(raw.path);
    if (!normalised.ok) throw new GatewayError("invalid_path", `invalid path: ${normalised.reason}`);

    const matched: EdgeRoute | undefined = matcher.match(normalised.path);
    if (!matched) throw new GatewayError("not_found", "no route matches this path");
    c.set("target", { path: normalised.path, query: raw.query });
    c.set("route", matched);
    await next();
  });
}
