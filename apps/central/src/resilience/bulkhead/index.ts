import { type ConcurrencyConfig, GatewayError } from "@gateway/types";

export type Release = () => void;

export interface Bulkhead {
  /**
   * Runs `grant` with a release function now, or once a slot frees up; calls
   * `reject` at once when the queue is full, or when the wait exceeds
   * queueTimeoutMs. Returns a cancel function for a caller that goes away while queued.
   */
  acquire(grant: (release: Release) => void, reject: (reason: "full" | "queue_timeout") => void): () => void;
  snapshot(): { active: number; queued: number; limit: number; queue: number };
}

interface Waiter {
  grant: (release: Release) => void;
  timer: ReturnType<typeof setTimeout>;
  done: boolean;
}

/** A concurrency limit with a small FIFO queue (load shedding per route). */
export function createBulkhead(config: ConcurrencyConfig): Bulkhead {
  let active = 0;
  const waiting: Waiter[] = [];

  const releaser = (): Release => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      active--;
      while (waiting.length > 0) {
        const next = waiting.shift() as Waiter;
        if (next.done) continue;
        next.done = true;
        clearTimeout(next.timer);
        active++;
        next.grant(releaser());
        return;
      }
    };
  };

  return {
    acquire(grant, reject) {
      if (active < config.limit && waiting.length === 0) {
        active++;
        grant(releaser());
        return () => {};
      }
      if (waiting.length >= config.queue) {
        reject("full");
        return () => {};
      }
      const waiter: Waiter = {
        grant,
        done: false,
        timer: setTimeout(() => {
          if (waiter.done) return;
          waiter.done = true;
          waiting.splice(waiting.indexOf(waiter), 1);
          reject("queue_timeout");
        }, config.queueTimeoutMs),
      };
      waiting.push(waiter);
      return () => {
        if (waiter.done) return;
        waiter.done = true;
        clearTimeout(waiter.timer);
        waiting.splice(waiting.indexOf(waiter), 1);
      };
    },
    snapshot: () => ({ active, queued: waiting.length, limit: config.limit, queue: config.queue }),
  };
}

/** 503 `overloaded` for a request the bulkhead refused (full queue, or waited too long). */
export function overloadedError(reason: "full" | "queue_timeout"): GatewayError {
  return new GatewayError(
    "overloaded",
    reason === "full" ? "too many requests in flight for this route" : "waited too long for a free slot",
    { "retry-after": "1" },
  );
}
