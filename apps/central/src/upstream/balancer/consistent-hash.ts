import type { Balancer } from "./types.ts";

const POINTS_PER_WEIGHT = 100;

/** FNV-1a, 32 bit: fast, stable across processes and replicas (every replica builds the same ring). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // Final avalanche (murmur3 fmix32): FNV alone clusters similar keys on the ring.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * A hash ring with 100 points per unit of weight per target. A key goes to the
 * first eligible target clockwise from its hash, so taking a target out moves
 * only its keys. Without a key the request goes to a ring point chosen by `random`.
 */
export function createConsistentHash(
  ids: readonly string[],
  weights: readonly number[],
  random: () => number,
): Balancer {
  const points: Array<{ hash: number; index: number }> = [];
  ids.forEach((id, index) => {
    const count = POINTS_PER_WEIGHT * (weights[index] ?? 1);
    for (let p = 0; p < count; p++) points.push({ hash: fnv1a(`${id}#${p}`), index });
  });
  points.sort((a, b) => a.hash - b.hash);
  const hashes = Uint32Array.from(points, (point) => point.hash);
  const firstAtOrAfter = (hash: number) => {
    let low = 0;
    let high = hashes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((hashes[mid] ?? 0) < hash) low = mid + 1;
      else high = mid;
    }
    return low % hashes.length;
  };
  return {
    choose(eligible, hashKey) {
      if (points.length === 0) return undefined;
      const start =
        hashKey === undefined ? Math.floor(random() * points.length) : firstAtOrAfter(fnv1a(hashKey));
      const tried = new Set<number>();
      for (let step = 0; step < points.length && tried.size < ids.length; step++) {
        const index = (points[(start + step) % points.length] as { index: number }).index;
        if (tried.has(index)) continue;
        tried.add(index);
        if (eligible(index)) return index;
      }
      return undefined;
    },
  };
}
