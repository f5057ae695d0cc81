/**
 * Two counters (e.g. requests and failures) summed over the last `windowMs`,
 * kept in `buckets` slices so old counts fall out as time passes. O(buckets)
 * memory, no timers: time comes from the injected clock.
 */
export interface RollingWindow {
  add(requests: number, marked: number): void;
  /** [requests, marked] over the window. */
  sums(): [number, number];
  reset(): void;
}

export function createRollingWindow(windowMs: number, now: () => number, buckets = 10): RollingWindow {
  const width = Math.max(1, Math.ceil(windowMs / buckets));
  const ids = new Float64Array(buckets).fill(-1);
  const requests = new Float64Array(buckets);
  const marked = new Float64Array(buckets);
  const current = (): number => {
    const id = Math.floor(now() / width);
    const slot = id % buckets;
    if (ids[slot] !== id) {
      ids[slot] = id;
      requests[slot] = 0;
      marked[slot] = 0;
    }
    return slot;
  };
  return {
    add(r, m) {
      const slot = current();
      requests[slot] = (requests[slot] ?? 0) + r;
      marked[slot] = (marked[slot] ?? 0) + m;
    },
    sums() {
      const oldest = Math.floor(now() / width) - buckets + 1;
      let r = 0;
      let m = 0;
      for (let i = 0; i < buckets; i++) {
        if ((ids[i] ?? -1) < oldest) continue;
        r += requests[i] ?? 0;
        m += marked[i] ?? 0;
      }
      return [r, m];
    },
    reset() {
      ids.fill(-1);
    },
  };
}
