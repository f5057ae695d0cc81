import type { ConsumerStore } from "./types.ts";

export interface ConsumerPoliciesOptions {
  store: ConsumerStore;
  /** How long a consumer's policy names are reused before the store is asked again. */
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
  onError?(error: unknown): void;
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * The rate-limit policies a consumer carries, for central's rate limiter:
 * read from the store at most once per `ttlMs` per consumer and replica, so
 * a request normally costs a Map lookup. A consumer unknown to the store (a
 * JWT subject without a consumer record) carries none.
 */
export function createConsumerPolicies(options: ConsumerPoliciesOptions) {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { names: readonly string[]; until: number }>();
  const inFlight = new Map<string, Promise<readonly string[]>>();

  async function load(sub: string): Promise<readonly string[]> {
    const stale = cache.get(sub)?.names;
    try {
      const consumer = await options.store.getConsumer(sub);
      const names = consumer && consumer.rateLimit.length > 0 ? Object.freeze([...consumer.rateLimit]) : NONE;
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(sub, { names, until: now() + options.ttlMs });
      return names;
    } catch (error) {
      // The store is down: keep what we knew (the limiter has its own fail mode for that outage).
      options.onError?.(error);
      return stale ?? NONE;
    } finally {
      inFlight.delete(sub);
    }
  }

  return (sub: string): readonly string[] | Promise<readonly string[]> => {
    const hit = cache.get(sub);
    if (hit !== undefined && hit.until > now()) return hit.names;
    let pending = inFlight.get(sub);
    if (pending === undefined) {
      pending = load(sub);
      inFlight.set(sub, pending);
    }
    return pending;
  };
}
