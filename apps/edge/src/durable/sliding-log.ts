export interface SlidingLogDecision {
  allowed: boolean;
  /** Requests still admitted in the window after this one. */
  remaining: number;
  /** Milliseconds until the window holds no admitted request (the quota is fully restored). */
  resetMs: number;
  /** Milliseconds until one more request would be admitted; 0 when allowed. */
  retryAfterMs: number;
}

/**
 * Exact sliding-window log: a request at `now` is admitted iff fewer than
 * `limit` requests were admitted in (now − window, now]. `log` holds admission
 * times in ascending order and is updated in place: expired entries are
 * dropped from the front (their count is returned as `pruned`) and an admitted
 * request is appended.
 */
export function slidingLogHit(
  log: number[],
  now: number,
  limit: number,
  windowMs: number,
): { decision: SlidingLogDecision; pruned: number } {
  const cutoff = now - windowMs;
  let pruned = 0;
  while (pruned < log.length && (log[pruned] as number) <= cutoff) pruned++;
  if (pruned > 0) log.splice(0, pruned);

  if (log.length < limit) {
    log.push(now);
    const decision = { allowed: true, remaining: limit - log.length, resetMs: windowMs, retryAfterMs: 0 };
    return { decision, pruned };
  }
  // The count drops below the limit when the entry `limit` places before the end leaves.
  const freeing = log[log.length - limit] as number;
  const newest = log[log.length - 1] as number;
  return {
    decision: {
      allowed: false,
      remaining: 0,
      resetMs: newest + windowMs - now,
      retryAfterMs: freeing + windowMs - now,
    },
    pruned,
  };
}
