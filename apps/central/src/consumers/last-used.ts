export interface LastUsedRecorder {
  /** Notes a use; cheap (a Map write), no I/O. */
  record(keyId: string, at: number): void;
  /** Writes what was noted since the last flush, in one store call. */
  flush(): Promise<void>;
  /** Stops the timer and flushes once more. */
  close(): Promise<void>;
}

export interface LastUsedOptions {
  write(times: ReadonlyMap<string, number>): Promise<void>;
  /** How often pending times are written (default 60 s): at most one write per key per interval. */
  intervalMs?: number;
  onError?(error: unknown): void;
}

/**
 * Coalesces last-used times: a verification only updates an in-memory map; a
 * timer writes the map in one batch, so a busy key costs one store write per
 * interval per replica instead of one per request.
 */
export function createLastUsedRecorder(options: LastUsedOptions): LastUsedRecorder {
  let pending = new Map<string, number>();
  const flush = async () => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await options.write(batch);
    } catch (error) {
      // Not worth retrying: the next use records a newer time anyway.
      options.onError?.(error);
    }
  };
  const timer = setInterval(() => void flush(), options.intervalMs ?? 60_000);
  timer.unref();
  return {
    record(keyId, at) {
      if ((pending.get(keyId) ?? 0) < at) pending.set(keyId, at);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
