import { createMemoryReplayStore, type ReplayStore } from "@gateway/identity";
import { replayKeyOf } from "../../replay/pending.ts";
import { toDecision, windowMs } from "./decision.ts";
import { type AlgorithmState, MEMORY_ALGORITHMS, roundVerdict } from "./memory-algorithms.ts";
import type { RateLimitCheck, RateLimitDecision, RateLimitStore } from "./types.ts";

export interface MemoryRateLimitStoreOptions {
  /** Clock in ms; defaults to Date.now. */
  now?: () => number;
  /** Live keys kept at most; past this, the least recently written keys are forgotten. */
  maxKeys?: number;
  /** Expired keys are swept at most this often. */
  sweepIntervalMs?: number;
  /**
   * Where `evaluateFresh` remembers jtis: pass the replay store the rest of
   * central uses, so a token is seen once whichever path checks it. Default: its own.
   */
  replayStore?: ReplayStore;
}

interface Entry {
  state: AlgorithmState;
  expiresAt: number;
}

/**
 * In-process store for a single replica (dev without REDIS_URL): the same
 * algorithms as the Redis script, so the same decisions, but each process has
 * its own counts. Evaluation is synchronous, hence atomic; with a replay
 * check it is remember-then-evaluate, which gives the same outcomes.
 */
export function createMemoryRateLimitStore(
  options: MemoryRateLimitStoreOptions = {},
): RateLimitStore & { size(): number } {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
  const replayStore = options.replayStore ?? createMemoryReplayStore({ now });
  const entries = new Map<string, Entry>();
  let lastSweep = now();

  function read(key: string, at: number): AlgorithmState | undefined {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= at) {
      entries.delete(key);
      return undefined;
    }
    return entry?.state;
  }

  function write(key: string, state: AlgorithmState, expiresAt: number): void {
    // re-insert so Map order is write order: the first key is the least recently written
    entries.delete(key);
    entries.set(key, { state, expiresAt });
  }

  function sweep(at: number): void {
    if (at - lastSweep >= sweepIntervalMs || entries.size > maxKeys) {
      lastSweep = at;
      for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
    }
    for (const key of entries.keys()) {
      if (entries.size <= maxKeys) break;
      entries.delete(key);
    }
  }

  function evaluateNow(checks: RateLimitCheck[]): RateLimitDecision[] {
    const at = now();
    const run = (check: RateLimitCheck, commit: boolean) =>
      MEMORY_ALGORITHMS[check.policy.algorithm](
        read(check.key, at),
        at,
        check.policy.limit,
        windowMs(check.policy),
        check.policy.burst,
        commit,
      );
    let steps = checks.map((check) => ({ check, step: run(check, false) }));
    if (steps.every(({ step }) => step.verdict[0] === 1)) {
      steps = checks.map((check) => {
        const step = run(check, true);
        if (step.write) write(check.key, step.write.state, at + step.write.ttlMs);
        return { check, step };
      });
    }
    sweep(at);
    return steps.map(({ check, step }) => toDecision(check.policy, roundVerdict(step.verdict)));
  }

  return {
    evaluate: async (checks) => evaluateNow(checks),
    async evaluateFresh(replay, checks) {
      if (!(await replayStore.remember(replayKeyOf(replay), replay.expiresAt))) return "replayed";
      return evaluateNow(checks);
    },
    size: () => entries.size,
  };
}
