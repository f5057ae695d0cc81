import type { RouteConfig } from "@gateway/types";

/**
 * The path to send upstream: the matched prefix replaced by `route.rewrite`
 * (`/api/users/1` on `/api/users` → `/users` gives `/users/1`), or the path
 * unchanged when the route has no rewrite. Takes a normalised path under `route.path`.
 */
export function rewritePath(route: Pick<RouteConfig, "path" | "rewrite">, normalisedPath: string): string {
  if (route.rewrite === undefined) return normalisedPath;
  const remainder = pathAfterPrefix(route.path, normalisedPath);
  if (route.rewrite === "/") return remainder === "" ? "/" : remainder;
  return route.rewrite + remainder;
}

/** "" or a string starting with "/". */
function pathAfterPrefix(prefix: string, path: string): string {
  if (prefix === "/") return path === "/" ? "" : path;
  if (path === prefix) return "";
  if (path.startsWith(`${prefix}/`)) return path.slice(prefix.length);
  throw new Error(`path "${path}" is not under route path "${prefix}"`);
}
