import type { RouteConfig } from "@gateway/types";

/** Generic so the edge's compiled routes (no upstream) work too; only `path` is read. */
export interface RouteMatcher<R extends Pick<RouteConfig, "path"> = RouteConfig> {
  /**
   * The route whose path is the longest segment-boundary prefix of `normalisedPath`
   * (`/api/users` matches `/api/users` and `/api/users/1`, not `/api/usersX`).
   * The path must come from normalizePath; methods are not considered (the caller answers 405).
   */
  match(normalisedPath: string): R | undefined;
}

export function createRouteMatcher<R extends Pick<RouteConfig, "path"> = RouteConfig>(
  routes: readonly R[],
): RouteMatcher<R> {
  const routesByPath = new Map<string, R>();
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
