export type { CoarseDecision, CoarseLimiter } from "./coarse-limiter.ts";
export { type CoarseRateLimitOptions, createCoarseRateLimit } from "./rate-limit.ts";
export { createRememberCentralLimits } from "./remember-central.ts";
export { createRememberedLimits, type RememberedLimits } from "./remembered-limits.ts";
export { type CoarseLimiters, resolveCoarseLimiters } from "./resolve-limiters.ts";
