import type { CentralRedis } from "../redis/index.ts";
import type { Consumer, ConsumerStore, StoredKey } from "./types.ts";

export interface RedisConsumerStoreOptions {
  /**
   * Prefix of every key. The default carries one hash tag, so in Redis Cluster the whole
   * (small) consumer dataset shares a slot and multi-key transactions stay legal.
   */
  namespace?: string;
}

export const DEFAULT_CONSUMER_NAMESPACE = "gw:{consumers}:";

/**
 * Layout: consumer:<id> (JSON), consumers (set of ids), key:<id> (hash of the key),
 * keyhash:<hash> (JSON record, the verification lookup: one GET), consumer-keys:<id>
 * (set of key ids), last-used (hash: key id → epoch ms).
 */
export function createRedisConsumerStore(
  redis: CentralRedis,
  options: RedisConsumerStoreOptions = {},
): ConsumerStore {
  const ns = options.namespace ?? DEFAULT_CONSUMER_NAMESPACE;
  const consumerKey = (id: string) => `${ns}consumer:${id}`;
  const consumersSet = `${ns}consumers`;
  const keyIdKey = (id: string) => `${ns}key:${id}`;
  const keyHashKey = (hash: string) => `${ns}keyhash:${hash}`;
  const consumerKeysSet = (id: string) => `${ns}consumer-keys:${id}`;
  const lastUsedHash = `${ns}last-used`;

  const parse = <T>(json: string | null): T | undefined =>
    json === null ? undefined : (JSON.parse(json) as T);

  async function keysByIds(ids: string[]): Promise<StoredKey[]> {
    if (ids.length === 0) return [];
    const hashes = await redis.mget(ids.map(keyIdKey));
    const present = hashes.filter((hash): hash is string => hash !== null);
    if (present.length === 0) return [];
    const [records, lastUsed] = await Promise.all([
      redis.mget(present.map(keyHashKey)),
      redis.hmget(lastUsedHash, ...ids),
    ]);
    const usedById = new Map(ids.map((id, i) => [id, lastUsed[i]]));
    return records
      .map((json) => parse<StoredKey>(json))
      .filter((key): key is StoredKey => key !== undefined)
      .map((key) => {
        const used = usedById.get(key.id);
        return used == null ? key : { ...key, lastUsedAt: Number(used) };
      });
  }

  return {
    async createConsumer(consumer) {
      const created = await redis.set(consumerKey(consumer.id), JSON.stringify(consumer), "NX");
      if (created === null) return false;
      await redis.sadd(consumersSet, consumer.id);
      return true;
    },
    async updateConsumer(consumer) {
      return (await redis.set(consumerKey(consumer.id), JSON.stringify(consumer), "XX")) !== null;
    },
    async getConsumer(id) {
      return parse<Consumer>(await redis.get(consumerKey(id)));
    },
    async listConsumers() {
      const ids = (await redis.smembers(consumersSet)).sort();
      if (ids.length === 0) return [];
      const records = await redis.mget(ids.map(consumerKey));
      return records.map((json) => parse<Consumer>(json)).filter((c): c is Consumer => c !== undefined);
    },
    async deleteConsumer(id) {
      const keyIds = await redis.smembers(consumerKeysSet(id));
      const hashes = keyIds.length === 0 ? [] : await redis.mget(keyIds.map(keyIdKey));
      const transaction = redis.multi().del(consumerKey(id)).srem(consumersSet, id).del(consumerKeysSet(id));
      const stale = [
        ...keyIds.map(keyIdKey),
        ...hashes.filter((hash): hash is string => hash !== null).map(keyHashKey),
      ];
      if (stale.length > 0) transaction.del(...stale).hdel(lastUsedHash, ...keyIds);
      const results = await transaction.exec();
      return Number(results?.[0]?.[1] ?? 0) === 1;
    },
    async putKey(key) {
      const { lastUsedAt: _runtime, ...record } = key;
      await redis
        .multi()
        .set(keyIdKey(key.id), key.hash)
        .set(keyHashKey(key.hash), JSON.stringify(record))
        .sadd(consumerKeysSet(key.consumerId), key.id)
        .exec();
    },
    async getKey(id) {
      const [key] = await keysByIds([id]);
      return key;
    },
    async getKeyByHash(hash) {
      return parse<StoredKey>(await redis.get(keyHashKey(hash)));
    },
    async listKeys(consumerId) {
      const ids = await redis.smembers(consumerKeysSet(consumerId));
      return (await keysByIds(ids)).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },
    async recordLastUsed(times) {
      if (times.size === 0) return;
      const fields: string[] = [];
      for (const [id, at] of times) fields.push(id, String(at));
      await redis.hset(lastUsedHash, ...fields);
    },
  };
}
