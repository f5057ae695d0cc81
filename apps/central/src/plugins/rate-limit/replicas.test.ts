import { RATE_LIMIT_ALGORITHMS as ALGORITHMS } from "@gateway/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policy } from "../../../test/rate-limit/policies.ts";
import { useRedis } from "../../../test/rate-limit/redis-for-tests.ts";
import { type Replica, startReplica } from "../../../test/rate-limit/replicas.ts";

const redis = useRedis();
const LIMIT = 10;

describe.each([
  { label: "in-sync clocks", skews: [0, 0, 0] },
  { label: "clocks skewed by ±30 s", skews: [-30_000, 0, 30_000] },
])("three replicas sharing one Redis, $label", ({ skews }) => {
  // an hour-long window: refill during the burst is nil, so `limit` is the exact expected count
  const policies = ALGORITHMS.map((algorithm) => policy(algorithm, { limit: LIMIT, windowSeconds: 3600 }));
  let replicas: Replica[] = [];

  beforeAll(async () => {
    replicas = await Promise.all(skews.map((skew) => startReplica(redis.url, policies, skew)));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
  });

  it("runs each replica on its own (skewed) clock", async () => {
    for (const replica of replicas) {
      const { now } = (await (await fetch(`${replica.base}/clock`)).json()) as { now: number };
      expect(Math.abs(now - (Date.now() + replica.skewMs))).toBeLessThan(2_000);
    }
  });

  it.each(policies.map((p) => [p.algorithm, p] as const))(
    "%s: a concurrent burst of 3×limit admits exactly limit",
    async (_algorithm, p) => {
      // 3×limit requests, round-robin over the replicas
      const targets = Array.from({ length: LIMIT }, () => replicas).flat();
      const statuses = await Promise.all(
        targets.map(async (replica) => {
          const response = await fetch(`${replica.base}/r/${p.name}`, {
            headers: { "x-test-user": "burst" },
            signal: AbortSignal.timeout(5_000),
          });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      expect(statuses.filter((status) => status === 200)).toHaveLength(LIMIT);
      expect(statuses.filter((status) => status === 429)).toHaveLength(2 * LIMIT);
    },
  );
});
