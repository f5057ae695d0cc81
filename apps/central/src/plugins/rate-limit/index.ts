export { rateLimitKey } from "./keys.ts";
export { createRateLimitPlugin, type RateLimitPlugin, type RateLimitPluginDeps } from "./plugin.ts";
export { createMemoryRateLimitStore, type MemoryRateLimitStoreOptions } from "./store-memory.ts";
export { createRedisRateLimitStore, type RedisRateLimitStoreOptions } from "./store-redis.ts";
export type { RateLimitCheck, RateLimitDecision, RateLimitLogger, RateLimitStore } from "./types.ts";
