import { describe, expect, it } from "vitest";
import { createConsistentHash } from "./consistent-hash.ts";
import { createLeastOutstanding } from "./least-outstanding.ts";
import { createRoundRobin } from "./round-robin.ts";

const all = () => true;

describe("balancers", () => {
  it("smooth weighted round robin spreads 5:1:1 without bursts", () => {
    const rr = createRoundRobin([5, 1, 1]);
    const order = Array.from({ length: 7 }, () => rr.choose(all));
    expect(order).toEqual([0, 0, 1, 0, 2, 0, 0]);
  });

  it("round robin skips targets that are out of rotation", () => {
    const rr = createRoundRobin([1, 1, 1]);
    expect(Array.from({ length: 4 }, () => rr.choose((i) => i !== 1))).toEqual([0, 2, 0, 2]);
    expect(rr.choose(() => false)).toBeUndefined();
  });

  it("power of two choices picks the less loaded of the two drawn", () => {
    const outstanding = [5, 0, 2];
    let draws = [0, 0.6];
    const p2c = createLeastOutstanding(
      [1, 1, 1],
      (i) => outstanding[i] ?? 0,
      () => draws.shift() ?? 0,
    );
    expect(p2c.choose(all)).toBe(2);
    draws = [0, 0];
    expect(p2c.choose(all)).toBe(1);
    draws = [0.9, 0];
    expect(p2c.choose((i) => i !== 1)).toBe(2);
  });

  it("consistent hash: a key sticks to its target; removing one target moves only its keys", () => {
    const ids = ["http://a", "http://b", "http://c"];
    const ring = createConsistentHash(ids, [1, 1, 1], () => 0);
    const keys = Array.from({ length: 300 }, (_, i) => `consumer-${i}`);
    const before = keys.map((key) => ring.choose(all, key));
    expect(keys.map((key) => ring.choose(all, key))).toEqual(before);
    const counts = [0, 1, 2].map((t) => before.filter((i) => i === t).length);
    for (const count of counts) expect(count).toBeGreaterThan(50);
    const without1 = keys.map((key) => ring.choose((i) => i !== 1, key));
    keys.forEach((_, k) => {
      if (before[k] !== 1) expect(without1[k]).toBe(before[k]);
      else expect(without1[k]).not.toBe(1);
    });
  });
});
