// Routing only (no schema, no YAML): what the edge Worker bundles.
export { createRouteMatcher, type RouteMatcher } from "./match-route.ts";
export { type NormalizeResult, normalizePath } from "./normalize-path.ts";
export { rewritePath } from "./rewrite-path.ts";
