import type { RouteConfig } from "@gateway/types";

export interface RouteMatcher {
  /**
   * The route whose path is the longest segment-boundary prefix of `normalisedPath`
   * (`/api/users` matches `/api/users` and `/api/users/1`, not `/api/usersX`).
   * The path must come from normalizePath; methods are not considered (the caller answers 405).
   */
  match(normalisedPath: string): RouteConfig | undefined;
}

export function createRouteMatcher(routes: readonly RouteConfig[]): RouteMatcher {
  const routesByPath = new Map<string, RouteConfig>();
  for (const route of routes) {
    if (routesByPath.has(route.path)) throw new Error(`duplicate route path "${route.path}"`);
    routesByPath.set(route.path, route);
  }

  return {
    match(normalisedPath) {
      if (!normalisedPath.startsWith("/")) return undefined;
      // Walk up the path one segment at a time: "/a/b/c" → "/a/b" → "/a" → "/".
      let candidate = normalisedPath;
      for (;;) {
        const route = routesByPath.get(candidate);
        if (route) return route;
        if (candidate === "/") return undefined;
        const lastSlash = candidate.lastIndexOf("/");
        candidate = lastSlash === 0 ? "/" : candidate.slice(0, lastSlash);
      }
    },
  };
}
