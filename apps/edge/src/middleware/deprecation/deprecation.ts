import type { DeprecationConfig, EdgeConfig } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

type HeaderList = Array<[name: string, value: string]>;

function headersOf(deprecation: DeprecationConfig): HeaderList {
  const headers: HeaderList = [["deprecation", `@${deprecation.since}`]];
  // toUTCString() is the IMF-fixdate form HTTP-date requires (RFC 9110 §5.6.7).
  if (deprecation.sunset !== undefined) {
    headers.push(["sunset", new Date(deprecation.sunset * 1000).toUTCString()]);
  }
  if (deprecation.link !== undefined) headers.push(["link", `<${deprecation.link}>; rel="deprecation"`]);
  return headers;
}

/**
 * Deprecation (RFC 9745), Sunset (RFC 8594) and Link rel="deprecation" on every
 * response of a deprecated route: central's, and the edge's own errors after routing.
 */
export function createDeprecationHeaders(config: Pick<EdgeConfig, "routes">) {
  const byRoute = new Map<string, HeaderList>();
  for (const route of config.routes) {
    if (route.deprecation) byRoute.set(route.name, headersOf(route.deprecation));
  }
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    await next();
    const headers = byRoute.get(c.get("route").name);
    if (!headers) return;
    for (const [name, value] of headers) {
      if (name === "link") c.res.headers.append(name, value);
      else c.res.headers.set(name, value);
    }
  });
}
