/** A client of the gateway: what an API key (or a JWT subject with the same id) stands for. */
export interface Consumer {
  id: string;
  name: string;
  roles: string[];
  scopes: string[];
  tenant?: string;
  /** Names of central rate-limit policies applied to this consumer on every route, besides the route's own. */
  rateLimit: string[];
  createdAt: number;
}

/** What the store keeps about a key: never the key itself, only its peppered hash. */
export interface StoredKey {
  id: string;
  consumerId: string;
  /** base64url HMAC-SHA256(pepper, key). */
  hash: string;
  /** The first characters of the key, for humans ("gw_live_Ab3d"). */
  prefix: string;
  createdAt: number;
  /** Epoch ms after which the key is refused (rotation schedules this on the old key). */
  expiresAt?: number;
  revokedAt?: number;
  /** Epoch ms, recorded at most once a minute per replica; absent until first use. */
  lastUsedAt?: number;
}

export type KeyStatus = "active" | "revoked" | "expired";

/** Source of truth for consumers and keys: Redis in production, memory in dev. */
export interface ConsumerStore {
  /** False when a consumer with this id already exists. */
  createConsumer(consumer: Consumer): Promise<boolean>;
  /** False when the consumer does not exist. */
  updateConsumer(consumer: Consumer): Promise<boolean>;
  getConsumer(id: string): Promise<Consumer | undefined>;
  listConsumers(): Promise<Consumer[]>;
  /** Removes the consumer and every key of it. False when it did not exist. */
  deleteConsumer(id: string): Promise<boolean>;
  /** Creates or replaces a key record (indexed by id and by hash). */
  putKey(key: StoredKey): Promise<void>;
  getKey(id: string): Promise<StoredKey | undefined>;
  getKeyByHash(hash: string): Promise<StoredKey | undefined>;
  listKeys(consumerId: string): Promise<StoredKey[]>;
  /** Writes last-used times in one batch (key id → epoch ms). */
  recordLastUsed(times: ReadonlyMap<string, number>): Promise<void>;
}

/** What central tells the edge about a presented key. */
export type { ApiKeyVerdict as KeyVerdict } from "@gateway/types";
