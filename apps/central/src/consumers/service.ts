import { GatewayError } from "@gateway/types";
import { generateKey, hashKey, isWellFormedKey, type KeyEnvironment, newId } from "./key-material.ts";
import type { LastUsedRecorder } from "./last-used.ts";
import type { Consumer, ConsumerStore, KeyStatus, KeyVerdict, StoredKey } from "./types.ts";

/** A key as the admin API shows it: never the hash, never the key (except once, at creation). */
export type KeyView = Omit<StoredKey, "hash"> & { status: KeyStatus };

export interface ConsumerInput {
  id?: string;
  name?: string;
  roles?: string[];
  scopes?: string[];
  tenant?: string | null;
  rateLimit?: string[];
}

export interface NewKeyOptions {
  /** Lifetime from now; absent = no expiry. */
  expiresInSeconds?: number;
  environment?: KeyEnvironment;
}

export interface ConsumerServiceDeps {
  store: ConsumerStore;
  pepper: Buffer;
  /** Central policy names a consumer may list in `rateLimit` (a function: read at each check, e.g. after a reload). */
  policyNames: readonly string[] | (() => readonly string[]);
  lastUsed: LastUsedRecorder;
  /** Environment tag of new keys unless a request says otherwise. */
  defaultEnvironment: KeyEnvironment;
  now?: () => number;
}

export const DEFAULT_OVERLAP_SECONDS = 86_400;

export type ConsumerService = ReturnType<typeof createConsumerService>;

export function statusOf(key: StoredKey, now: number): KeyStatus {
  if (key.revokedAt !== undefined) return "revoked";
  if (key.expiresAt !== undefined && key.expiresAt <= now) return "expired";
  return "active";
}

function notFound(what: string): GatewayError {
  return new GatewayError("not_found", `${what} not found`);
}

export function createConsumerService(deps: ConsumerServiceDeps) {
  const { store } = deps;
  const now = deps.now ?? Date.now;

  const view = (key: StoredKey): KeyView => {
    const { hash: _hash, ...rest } = key;
    return { ...rest, status: statusOf(key, now()) };
  };

  function checkPolicies(names: string[] | undefined): void {
    const known = typeof deps.policyNames === "function" ? deps.policyNames() : deps.policyNames;
    for (const name of names ?? []) {
      if (!known.includes(name)) {
        throw new GatewayError("bad_request", `rateLimit: unknown policy "${name.slice(0, 64)}"`);
      }
    }
  }

  async function requireConsumer(id: string): Promise<Consumer> {
    const consumer = await store.getConsumer(id);
    if (!consumer) throw notFound("consumer");
    return consumer;
  }

  async function requireKey(id: string): Promise<StoredKey> {
    const key = await store.getKey(id);
    if (!key) throw notFound("key");
    return key;
  }

  async function issueKey(consumerId: string, options: NewKeyOptions) {
    const material = generateKey(options.environment ?? deps.defaultEnvironment);
    const createdAt = now();
    const key: StoredKey = {
      id: newId("key"),
      consumerId,
      hash: hashKey(deps.pepper, material.plaintext),
      prefix: material.prefix,
      createdAt,
      ...(options.expiresInSeconds === undefined
        ? {}
        : { expiresAt: createdAt + options.expiresInSeconds * 1000 }),
    };
    await store.putKey(key);
    return { key: material.plaintext, record: view(key) };
  }

  return {
    async createConsumer(input: ConsumerInput & { name: string }): Promise<Consumer> {
      checkPolicies(input.rateLimit);
      const consumer: Consumer = {
        id: input.id ?? newId("con"),
        name: input.name,
        roles: input.roles ?? [],
        scopes: input.scopes ?? [],
        ...(input.tenant == null ? {} : { tenant: input.tenant }),
        rateLimit: input.rateLimit ?? [],
        createdAt: now(),
      };
      if (!(await store.createConsumer(consumer))) {
        throw new GatewayError("conflict", "a consumer with this id already exists");
      }
      return consumer;
    },

    async updateConsumer(id: string, patch: ConsumerInput): Promise<Consumer> {
      checkPolicies(patch.rateLimit);
      const { tenant: _old, ...current } = await requireConsumer(id);
      const tenant = patch.tenant === undefined ? _old : (patch.tenant ?? undefined);
      const updated: Consumer = {
        ...current,
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.roles === undefined ? {} : { roles: patch.roles }),
        ...(patch.scopes === undefined ? {} : { scopes: patch.scopes }),
        ...(patch.rateLimit === undefined ? {} : { rateLimit: patch.rateLimit }),
        ...(tenant === undefined ? {} : { tenant }),
      };
      if (!(await store.updateConsumer(updated))) throw notFound("consumer");
      return updated;
    },

    getConsumer: requireConsumer,
    listConsumers: () => store.listConsumers(),

    async deleteConsumer(id: string): Promise<void> {
      if (!(await store.deleteConsumer(id))) throw notFound("consumer");
    },

    async createKey(consumerId: string, options: NewKeyOptions = {}) {
      await requireConsumer(consumerId);
      return issueKey(consumerId, options);
    },

    async listKeys(consumerId: string): Promise<KeyView[]> {
      await requireConsumer(consumerId);
      return (await store.listKeys(consumerId)).map(view);
    },

    async getKey(id: string): Promise<KeyView> {
      return view(await requireKey(id));
    },

    /**
     * A new key for the same consumer; the old one keeps working for `overlapSeconds`
     * (never longer than it would have anyway), so clients can switch without downtime.
     */
    async rotateKey(id: string, options: NewKeyOptions & { overlapSeconds?: number } = {}) {
      const old = await requireKey(id);
      if (statusOf(old, now()) !== "active") {
        throw new GatewayError(
          "conflict",
          `key is ${statusOf(old, now())}; only an active key can be rotated`,
        );
      }
      const created = await issueKey(old.consumerId, options);
      const overlapEnd = now() + (options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000;
      const retiring: StoredKey = {
        ...old,
        expiresAt: old.expiresAt === undefined ? overlapEnd : Math.min(old.expiresAt, overlapEnd),
      };
      await store.putKey(retiring);
      return { ...created, previous: view(retiring) };
    },

    async revokeKey(id: string): Promise<KeyView> {
      const key = await requireKey(id);
      const revoked: StoredKey = key.revokedAt === undefined ? { ...key, revokedAt: now() } : key;
      if (revoked !== key) await store.putKey(revoked);
      return view(revoked);
    },

    /** The edge's question: who is this key? Unknown, revoked and expired are told apart, nothing more. */
    async verify(plaintext: string): Promise<KeyVerdict> {
      if (!isWellFormedKey(plaintext)) return { valid: false, reason: "unknown" };
      const key = await store.getKeyByHash(hashKey(deps.pepper, plaintext));
      if (!key) return { valid: false, reason: "unknown" };
      const at = now();
      const status = statusOf(key, at);
      if (status !== "active") return { valid: false, reason: status };
      const consumer = await store.getConsumer(key.consumerId);
      if (!consumer) return { valid: false, reason: "unknown" };
      deps.lastUsed.record(key.id, at);
      return {
        valid: true,
        keyId: key.id,
        consumer: {
          id: consumer.id,
          roles: consumer.roles,
          scopes: consumer.scopes,
          ...(consumer.tenant === undefined ? {} : { tenant: consumer.tenant }),
        },
        ...(key.expiresAt === undefined ? {} : { expiresAt: key.expiresAt }),
      };
    },
  };
}
