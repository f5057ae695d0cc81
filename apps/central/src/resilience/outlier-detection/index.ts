import type { OutlierDetectionConfig } from "@gateway/types";

export interface OutlierDetectorDeps {
  now: () => number;
  /** Whether one more target may leave the rotation (the pool's maxEjectionPercent). */
  canTakeOut(index: number): boolean;
  onEject?(index: number, ejectionMs: number, failures: number): void;
  onReturn?(index: number, reason: string): void;
}

export interface OutlierDetector {
  /** One finished request to target `index`: failed (5xx, connect error, timeout, reset) or not. */
  record(index: number, failed: boolean): void;
  /** Ejected now (an expired ejection ends here, lazily). */
  ejected(index: number): boolean;
  /** Ends an ejection early (an active health check saw the target pass). */
  returnTarget(index: number, reason: string): void;
  snapshot(index: number): {
    ejected: boolean;
    ejectedUntil?: number;
    ejections: number;
    consecutiveFailures: number;
  };
}

/**
 * Passive outlier detection: `consecutiveFailures` failures in a row eject a
 * target for baseEjectionMs × (number of times it was ejected), at most
 * maxEjectionMs, unless that would take more of the pool out than allowed.
 */
export function createOutlierDetector(
  size: number,
  config: OutlierDetectionConfig,
  deps: OutlierDetectorDeps,
): OutlierDetector {
  const consecutive = new Array<number>(size).fill(0);
  const ejections = new Array<number>(size).fill(0);
  const until = new Array<number>(size).fill(0);

  const ejected = (index: number): boolean => {
    const end = until[index] ?? 0;
    if (end === 0) return false;
    if (deps.now() < end) return true;
    until[index] = 0;
    consecutive[index] = 0;
    deps.onReturn?.(index, "ejection time elapsed");
    return false;
  };

  return {
    record(index, failed) {
      if (!config.enabled) return;
      if (!failed) {
        consecutive[index] = 0;
        return;
      }
      const count = (consecutive[index] ?? 0) + 1;
      consecutive[index] = count;
      if (count < config.consecutiveFailures || ejected(index) || !deps.canTakeOut(index)) return;
      const times = (ejections[index] ?? 0) + 1;
      ejections[index] = times;
      const ms = Math.min(config.maxEjectionMs, config.baseEjectionMs * times);
      until[index] = deps.now() + ms;
      deps.onEject?.(index, ms, count);
    },
    ejected,
    returnTarget(index, reason) {
      if (!ejected(index)) return;
      until[index] = 0;
      consecutive[index] = 0;
      deps.onReturn?.(index, reason);
    },
    snapshot(index) {
      const isEjected = ejected(index);
      return {
        ejected: isEjected,
        ...(isEjected ? { ejectedUntil: until[index] ?? 0 } : {}),
        ejections: ejections[index] ?? 0,
        consecutiveFailures: consecutive[index] ?? 0,
      };
    },
  };
}
