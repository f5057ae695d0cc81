import { type RedisServerHandle, startRedisServer } from "@gateway/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";

/**
 * A Redis for one test file: REDIS_URL when set (unless `own`), otherwise a
 * private redis-server stopped after the file. Tests use unique key names, so
 * a shared server is fine for everything except process-level faults.
 */
export function useRedis(options: { own?: boolean } = {}) {
  const state: { url: string; redis: Redis; server?: RedisServerHandle } = {} as never;
  beforeAll(async () => {
    const shared = options.own ? undefined : process.env.REDIS_URL;
    if (shared) {
      state.url = shared;
    } else {
      state.server = await startRedisServer();
      state.url = state.server.url;
    }
    state.redis = new Redis(state.url, { lazyConnect: true });
    await state.redis.connect();
  });
  afterAll(async () => {
    state.redis?.disconnect();
    await state.server?.kill();
  });
  return state;
}

let counter = 0;
/** A policy name no other test (or earlier run against a shared Redis) uses. */
export function uniqueName(label: string): string {
  return `${label}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}
