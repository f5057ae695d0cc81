import { Redis, type RedisOptions } from "ioredis";

/**
 * Client options that keep a slow or absent Redis from slowing requests: no
 * offline queue and no per-request retries (a command fails at once while
 * disconnected), a per-command timeout, and reconnection in the background
 * (capped at 1 s between attempts) so recovery is automatic.
 */
export const RATE_LIMIT_REDIS_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 200,
  connectTimeout: 1000,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
} satisfies RedisOptions;

export function createRateLimitRedis(url: string, overrides: RedisOptions = {}): Redis {
  const redis = new Redis(url, { ...RATE_LIMIT_REDIS_OPTIONS, ...overrides });
  // Connection errors repeat on every reconnect attempt; the plugin logs the
  // outage once, so these events are deliberately dropped here.
  redis.on("error", () => {});
  return redis;
}
