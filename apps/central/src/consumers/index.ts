import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { CentralRedis } from "../redis/index.ts";
import { createAdminApi } from "./admin-api.ts";
import type { ConsumersEnv } from "./env.ts";
import { createLastUsedRecorder } from "./last-used.ts";
import { createConsumerPolicies } from "./policies.ts";
import { createConsumerService } from "./service.ts";
import { createMemoryConsumerStore } from "./store-memory.ts";
import { createRedisConsumerStore } from "./store-redis.ts";
import type { ConsumerStore } from "./types.ts";
import { createKeyVerifyEndpoint } from "./verify-endpoint.ts";

export { createAdminApi } from "./admin-api.ts";
export { type ConsumersEnv, DEFAULT_ADMIN_PORT, readConsumersEnv } from "./env.ts";
export { type ConsumerService, createConsumerService } from "./service.ts";
export { createMemoryConsumerStore } from "./store-memory.ts";
export { createRedisConsumerStore, DEFAULT_CONSUMER_NAMESPACE } from "./store-redis.ts";
export type { Consumer, ConsumerStore, KeyVerdict, StoredKey } from "./types.ts";
export { createKeyVerifyEndpoint } from "./verify-endpoint.ts";

export interface ConsumersOptions {
  env: ConsumersEnv;
  logger: Logger;
  /** Central's policy names (consumers may name them in `rateLimit`); a function reads the current config's. */
  policyNames: readonly string[] | (() => readonly string[]);
  /** The source of truth; without it, an in-process store (one replica, dev). */
  redis?: CentralRedis;
  /** Injected store (tests); overrides `redis`. */
  store?: ConsumerStore;
  /** How long central reuses a consumer's policy names (default 10 s). */
  policyCacheMs?: number;
}

export type Consumers = NonNullable<ReturnType<typeof createConsumers>>;

/**
 * Consumers and API keys at central: the store, the edge's verification
 * endpoint, the admin API (when CENTRAL_ADMIN_TOKEN is set) and the per-consumer
 * rate-limit policy lookup. Undefined when keys cannot work safely: with Redis
 * but no API_KEY_PEPPER (without Redis, a random per-process pepper is fine,
 * since the in-process store dies with the process anyway).
 */
export function createConsumers(options: ConsumersOptions) {
  const { env, logger } = options;
  if (env.pepper === undefined && options.redis !== undefined && options.store === undefined) {
    logger.warn(
      "API_KEY_PEPPER is not set: API keys are disabled (the key verification endpoint answers 404)",
    );
    return undefined;
  }
  const pepper = env.pepper ?? randomBytes(32);
  if (env.pepper === undefined) {
    logger.warn(
      "API_KEY_PEPPER is not set: keys are hashed with a random pepper and live in memory (dev mode)",
    );
  }
  const store =
    options.store ??
    (options.redis === undefined ? createMemoryConsumerStore() : createRedisConsumerStore(options.redis));
  const lastUsed = createLastUsedRecorder({
    write: (times) => store.recordLastUsed(times),
    onError: (error) =>
      logger.warn({ err: { message: (error as Error).message } }, "could not record key last-used times"),
  });
  const service = createConsumerService({
    store,
    pepper,
    policyNames: options.policyNames,
    lastUsed,
    defaultEnvironment: env.keyEnvironment,
  });
  return {
    service,
    store,
    verifyEndpoint: createKeyVerifyEndpoint(service, logger),
    adminApi:
      env.adminToken === undefined ? undefined : createAdminApi({ service, token: env.adminToken, logger }),
    consumerPolicies: createConsumerPolicies({
      store,
      ttlMs: options.policyCacheMs ?? 10_000,
      onError: (error) =>
        logger.warn({ err: { message: (error as Error).message } }, "consumer policies unavailable"),
    }),
    close: () => lastUsed.close(),
  };
}
