import { describe, expect, it } from "vitest";
import { createBulkhead, type Release } from "./index.ts";

describe("bulkhead", () => {
  it("grants the limit, queues FIFO, rejects beyond the queue, hands slots on release", () => {
    const bulkhead = createBulkhead({ limit: 2, queue: 1, queueTimeoutMs: 60_000 });
    const releases: Release[] = [];
    const events: string[] = [];
    const ask = (name: string) =>
      bulkhead.acquire(
        (release) => {
          events.push(`${name} granted`);
          releases.push(release);
        },
        (reason) => events.push(`${name} ${reason}`),
      );
    ask("a");
    ask("b");
    ask("c");
    ask("d");
    expect(events).toEqual(["a granted", "b granted", "d full"]);
    releases[0]?.();
    releases[0]?.();
    expect(events.at(-1)).toBe("c granted");
    expect(bulkhead.snapshot()).toMatchObject({ active: 2, queued: 0 });
  });

  it("a cancelled waiter leaves the queue", () => {
    const bulkhead = createBulkhead({ limit: 1, queue: 1, queueTimeoutMs: 60_000 });
    bulkhead.acquire(
      () => {},
      () => {},
    );
    const cancel = bulkhead.acquire(
      () => {
        throw new Error("must not be granted");
      },
      () => {},
    );
    cancel();
    expect(bulkhead.snapshot()).toMatchObject({ active: 1, queued: 0 });
  });
});
