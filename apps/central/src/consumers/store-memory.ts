import type { Consumer, ConsumerStore, StoredKey } from "./types.ts";

/** In-process store (dev, tests): one replica only, gone on restart. */
export function createMemoryConsumerStore(): ConsumerStore {
  const consumers = new Map<string, Consumer>();
  const keys = new Map<string, StoredKey>();
  const byHash = new Map<string, string>();
  const copy = <T>(value: T): T => structuredClone(value);

  return {
    async createConsumer(consumer) {
      if (consumers.has(consumer.id)) return false;
      consumers.set(consumer.id, copy(consumer));
      return true;
    },
    async updateConsumer(consumer) {
      if (!consumers.has(consumer.id)) return false;
      consumers.set(consumer.id, copy(consumer));
      return true;
    },
    async getConsumer(id) {
      const consumer = consumers.get(id);
      return consumer && copy(consumer);
    },
    async listConsumers() {
      return [...consumers.values()].map(copy).sort((a, b) => a.id.localeCompare(b.id));
    },
    async deleteConsumer(id) {
      if (!consumers.delete(id)) return false;
      for (const [keyId, key] of keys) {
        if (key.consumerId !== id) continue;
        keys.delete(keyId);
        byHash.delete(key.hash);
      }
      return true;
    },
    async putKey(key) {
      keys.set(key.id, copy(key));
      byHash.set(key.hash, key.id);
    },
    async getKey(id) {
      const key = keys.get(id);
      return key && copy(key);
    },
    async getKeyByHash(hash) {
      const id = byHash.get(hash);
      const key = id === undefined ? undefined : keys.get(id);
      return key && copy(key);
    },
    async listKeys(consumerId) {
      return [...keys.values()]
        .filter((key) => key.consumerId === consumerId)
        .map(copy)
        .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },
    async recordLastUsed(times) {
      for (const [id, at] of times) {
        const key = keys.get(id);
        if (key && (key.lastUsedAt ?? 0) < at) key.lastUsedAt = at;
      }
    },
  };
}
