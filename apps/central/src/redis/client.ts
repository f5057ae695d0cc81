import { Redis, type RedisOptions } from "ioredis";

/**
 * Fail fast instead of queueing: a request never waits on a Redis that is not
 * there (no offline queue, no per-command retries, a command timeout), while
 * the client keeps reconnecting in the background.
 */
export const CENTRAL_REDIS_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 500,
  connectTimeout: 2000,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
} satisfies RedisOptions;

export function createCentralRedis(url: string, onError: (err: Error) => void): Redis {
  const redis = new Redis(url, { ...CENTRAL_REDIS_OPTIONS, lazyConnect: true });
  redis.on("error", onError);
  return redis;
}
