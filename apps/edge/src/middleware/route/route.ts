import { createRouteMatcher, normalizePath } from "@gateway/config/routing";
import { type EdgeConfig, GatewayError, type RouteConfig } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv, EdgeRoute } from "../../context.ts";
import { rawRequestTarget } from "./request-target.ts";

/** URL length, path normalisation, route match and method check: 414 / 400 / 404 / 405. */
export function route(config: Pick<EdgeConfig, "routes" | "limits">) {
  // The matcher reads only `path`; it is typed for central routes, which carry more fields.
  const matcher = createRouteMatcher(config.routes as readonly EdgeRoute[] as readonly RouteConfig[]);
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
    const methods: readonly string[] = matched.methods;
    if (!methods.includes(c.req.raw.method)) {
      throw new GatewayError("method_not_allowed", `method ${c.req.raw.method} not allowed on this route`, {
        allow: matched.methods.join(", "),
      });
    }
    c.set("target", { path: normalised.path, query: raw.query });
    c.set("route", matched);
    await next();
  });
}
