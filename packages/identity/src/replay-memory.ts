export interface ReplayStore {
  /** true if jti was unseen (and is now remembered until expiresAt, unix seconds) */
  remember(jti: string, expiresAt: number): Promise<boolean>;
}

export interface MemoryReplayStoreOptions {
  /** Upper bound on remembered jtis; default 100 000. */
  maxEntries?: number;
  /** Clock in milliseconds. */
  now?: () => number;
}

/**
 * In-process replay store for one replica (dev, tests, single-instance services).
 * Bounded: when full it drops expired entries first, then the oldest ones, so an
 * attacker flooding unique tokens costs memory, never an unbounded Map.
 */
export function createMemoryReplayStore(opts: MemoryReplayStoreOptions = {}): ReplayStore {
  const maxEntries = opts.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new Error(`memory replay store maxEntries must be a positive integer, got ${maxEntries}`);
  }
  const now = opts.now ?? Date.now;
  /** jti -> expiresAt (unix seconds); Map iteration order is insertion order, i.e. oldest first. */
  const expiries = new Map<string, number>();
  let lastFullSweepSeconds = Number.NEGATIVE_INFINITY;

  function makeRoom(nowSeconds: number): void {
    // A full scan is O(n); doing it at most once a second keeps a flood of fresh tokens cheap.
    if (nowSeconds !== lastFullSweepSeconds) {
      lastFullSweepSeconds = nowSeconds;
      for (const [jti, expiresAt] of expiries) {
        if (expiresAt <= nowSeconds) expiries.delete(jti);
      }
    }
    for (const jti of expiries.keys()) {
      if (expiries.size < maxEntries) break;
      expiries.delete(jti);
    }
  }

  return {
    async remember(jti, expiresAt) {
      const nowSeconds = Math.floor(now() / 1000);
      const seenUntil = expiries.get(jti);
      if (seenUntil !== undefined && seenUntil > nowSeconds) return false;
      if (seenUntil !== undefined) expiries.delete(jti);
      if (expiries.size >= maxEntries) makeRoom(nowSeconds);
      expiries.set(jti, expiresAt);
      return true;
    },
  };
}
