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
  // Commands issued in the same event-loop turn (one per concurrent request) leave in one socket
  // write instead of one write syscall each: under load that was ~7% of central's CPU.
  enableAutoPipelining: true,
} satisfies RedisOptions;

export function createCentralRedis(url: string, onError: (err: Error) => void): Redis {
  const redis = new Redis(url, { ...CENTRAL_REDIS_OPTIONS, lazyConnect: true });
  redis.on("error", onError);
  return redis;
}
