/** Full jitter: a random delay in [0, min(maxMs, baseMs × 2^(retry−1))]; `retry` counts from 1. */
export function backoffMs(
  retry: number,
  backoff: { baseMs: number; maxMs: number },
  random: () => number,
): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
