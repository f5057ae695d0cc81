// Isomorphic entry (Node and workerd): no node:* imports anywhere below this file.
export { compileCentral, compileEdge } from "./compile.ts";
export { ConfigError } from "./config-error.ts";
export {
  type ContractIssue,
  type ContractRoute,
  canonicalJson,
  centralContract,
  compareContracts,
  edgeContract,
  type TierContract,
} from "./contract/index.ts";
export {
  EDGE_LIMITER_BINDING,
  EDGE_LIMITER_CLASS,
  RATE_LIMIT_BINDING_PERIODS,
  rateLimitBindingName,
  type WranglerEdgeBindings,
  wranglerEdgeBindings,
} from "./edge-rate-limit-bindings.ts";
export { parseConfig, validateConfig } from "./parse-config.ts";
export { createRouteMatcher, type RouteMatcher } from "./routing/match-route.ts";
export { type NormalizeResult, normalizePath } from "./routing/normalize-path.ts";
export { rewritePath } from "./routing/rewrite-path.ts";
