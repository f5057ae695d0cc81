import type { HealthCheckConfig } from "@gateway/types";

/** One probe of target `index`: resolves with the status it answered, rejects when it could not be reached. */
export type HealthProbe = (index: number, timeoutMs: number) => Promise<number>;

export interface HealthCheckerDeps {
  probe: HealthProbe;
  /** Whether one more target may leave the rotation (the pool's maxEjectionPercent). */
  canTakeOut(index: number): boolean;
  onChange?(index: number, healthy: boolean, detail: string): void;
  /** Each probe that completes a run of `healthyThreshold` passes or more (ends a passive ejection early). */
  onPassing?(index: number): void;
  setInterval?: (fn: () => void, ms: number) => { unref?(): void };
  clearInterval?: (handle: unknown) => void;
}

export interface HealthChecker {
  healthy(index: number): boolean;
  /** Probes every target once (the interval timer calls this; tests may too). Resolves when all probes settled. */
  runOnce(): Promise<void>;
  start(): void;
  stop(): void;
  snapshot(index: number): { healthy: boolean; consecutivePasses: number; consecutiveFailures: number };
}

/**
 * Active health checks: every `intervalMs`, GET `path` on each target; a target
 * goes down after `unhealthyThreshold` failing probes in a row (unless the pool's
 * ejection cap says no) and comes back after `healthyThreshold` passing ones.
 * Targets start healthy. A probe still running when the next tick comes is not doubled.
 */
export function createHealthChecker(
  size: number,
  config: HealthCheckConfig,
  deps: HealthCheckerDeps,
): HealthChecker {
  const healthy = new Array<boolean>(size).fill(true);
  const passes = new Array<number>(size).fill(0);
  const failures = new Array<number>(size).fill(0);
  const running = new Array<boolean>(size).fill(false);
  const expected = new Set(config.expectedStatuses);
  let timer: unknown;

  const settle = (index: number, passed: boolean, detail: string) => {
    if (passed) {
      failures[index] = 0;
      passes[index] = (passes[index] ?? 0) + 1;
      if ((passes[index] ?? 0) < config.healthyThreshold) return;
      if (!healthy[index]) {
        healthy[index] = true;
        deps.onChange?.(index, true, detail);
      }
      deps.onPassing?.(index);
      return;
    }
    passes[index] = 0;
    failures[index] = (failures[index] ?? 0) + 1;
    if (healthy[index] && (failures[index] ?? 0) >= config.unhealthyThreshold && deps.canTakeOut(index)) {
      healthy[index] = false;
      deps.onChange?.(index, false, detail);
    }
  };

  const probeOne = async (index: number): Promise<void> => {
    if (running[index]) return;
    running[index] = true;
    try {
      const status = await deps.probe(index, config.timeoutMs);
      settle(index, expected.has(status), `status ${status}`);
    } catch (error) {
      settle(index, false, (error as Error).message);
    } finally {
      running[index] = false;
    }
  };

  const runOnce = async () => {
    await Promise.all(Array.from({ length: size }, (_, index) => probeOne(index)));
  };

  return {
    healthy: (index) => healthy[index] ?? true,
    runOnce,
    start() {
      if (timer !== undefined) return;
      const set = deps.setInterval ?? setInterval;
      const handle = set(() => void runOnce(), config.intervalMs);
      handle.unref?.();
      timer = handle;
    },
    stop() {
      if (timer === undefined) return;
      (deps.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout)))(timer);
      timer = undefined;
    },
    snapshot: (index) => ({
      healthy: healthy[index] ?? true,
      consecutivePasses: passes[index] ?? 0,
      consecutiveFailures: failures[index] ?? 0,
    }),
  };
}
