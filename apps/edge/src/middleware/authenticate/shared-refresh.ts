import { TimeoutError, withTimeout } from "@gateway/types";

export interface SharedRefreshOptions {
  /** What is loaded, for the timeout message ("<what> timed out after <ms> ms"). */
  what: string;
  now: () => number;
  /** A caller stops waiting for a load after this long (its starter may have been cancelled). */
  waitTimeoutMs: number;
  /** After a failed load, refresh() fails fast with the same error for this long. */
  failureBackoffMs: number;
}

export interface SharedRefresh<T> {
  /** The last value loaded successfully. */
  readonly latest: T | undefined;
  /** Whether a load is in flight. */
  readonly loading: boolean;
  /** When the last load started (-Infinity before the first). */
  readonly lastStartedAt: number;
  /** Joins the load in flight, or starts one unless the last one failed within the backoff. */
  refresh(): Promise<T>;
}

/**
 * One load at a time, shared by every caller: concurrent callers wait for the
 * load already in flight instead of starting their own. Only the loaded value
 * is shared, never an I/O object (Workers forbid those crossing requests).
 */
export function createSharedRefresh<T>(
  load: () => Promise<T>,
  options: SharedRefreshOptions,
): SharedRefresh<T> {
  const { now } = options;
  let latest: T | undefined;
  let inFlight: Promise<T> | undefined;
  let lastStartedAt = Number.NEGATIVE_INFINITY;
  let lastFailure: { at: number; error: unknown } | undefined;

  function start(): Promise<T> {
    lastStartedAt = now();
    const started: Promise<T> = load().then(
      (value) => {
        latest = value;
        lastFailure = undefined;
        return value;
      },
      (error: unknown) => {
        lastFailure = { at: now(), error };
        throw error;
      },
    );
    inFlight = started;
    const clear = () => {
      if (inFlight === started) inFlight = undefined;
    };
    started.then(clear, clear);
    return started;
  }

  const waitFor = (pending: Promise<T>) =>
    withTimeout(pending, options.waitTimeoutMs, options.what).catch((error: unknown) => {
      // The caller that started the load may have been cancelled: let the next caller start afresh.
      if (error instanceof TimeoutError && inFlight === pending) inFlight = undefined;
      throw error;
    });

  return {
    get latest() {
      return latest;
    },
    get loading() {
      return inFlight !== undefined;
    },
    get lastStartedAt() {
      return lastStartedAt;
    },
    refresh() {
      if (inFlight) return waitFor(inFlight);
      if (lastFailure && now() - lastFailure.at < options.failureBackoffMs) {
        return Promise.reject(lastFailure.error);
      }
      return waitFor(start());
    },
  };
}
