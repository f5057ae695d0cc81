// A real Sentinel set-up (1 master, 1 replica, 3 sentinels, started here on free
// ports) and two real central processes on it (REDIS_SENTINELS): exact limits,
// then the master killed during a burst: each policy's fail mode while the
// sentinels fail over, no request hanging, exactness on the promoted master, and
// one log line per event.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CentralProcess, startCentralProcess } from "../support/central-process.ts";
import { type RecordingUpstream, startUpstream } from "../support/upstream.ts";
import {
  ALGORITHMS,
  burst,
  burstThroughFailover,
  CENTRAL_ENV,
  LIMIT,
  logged,
  startCentrals,
  tally,
  topologyConfig,
  waitForLogs,
  warmUp,
} from "./gateway.ts";
import { missingRedisBinaries, type RedisSentinelSetup, startRedisSentinel } from "./redis-processes.ts";

const missing = missingRedisBinaries();
if (missing !== undefined) console.warn(`SKIPPED Redis Sentinel tests: ${missing}`);

describe.skipIf(missing !== undefined)("central on Redis Sentinel (1 master, 1 replica, 3 sentinels)", () => {
  let setup: RedisSentinelSetup;
  let upstream: RecordingUpstream;
  let centrals: CentralProcess[] = [];

  beforeAll(async () => {
    [setup, upstream] = await Promise.all([startRedisSentinel(), startUpstream()]);
    const yaml = topologyConfig(upstream.url);
    const env = {
      REDIS_SENTINELS: setup.sentinels,
      REDIS_SENTINEL_MASTER: setup.masterName,
      ...CENTRAL_ENV,
    };
    centrals = await startCentrals(2, () => startCentralProcess(yaml, env));
    await warmUp(centrals);
  }, 45_000);

  afterAll(async () => {
    await Promise.all(centrals.map((central) => central.stop()));
    await Promise.all([setup?.stop(), upstream?.close()]);
  });

  it("finds the master through the sentinels and logs the topology", async () => {
    for (const central of centrals) {
      await waitForLogs(central, ["redis"]);
      expect(logged(central, "redis")).toEqual([
        expect.objectContaining({
          topology: "sentinel",
          master: setup.masterName,
          sentinels: setup.sentinels.split(","),
        }),
      ]);
    }
  });

  it.each(ALGORITHMS)(
    "%s: a 3 × limit burst over two replicas admits exactly the limit",
    async (algorithm) => {
      expect(tally(await burst(centrals, `/${algorithm}`, `s-${randomUUID()}`))).toEqual({
        200: LIMIT,
        429: 2 * LIMIT,
      });
    },
  );

  it("follows each policy's fail mode while the sentinels fail over, then is exact on the new master", async () => {
    const sub = `failover-${randomUUID()}`;
    const seen = await burstThroughFailover(
      centrals,
      () => sub,
      "/sliding_window",
      () => setup.master.crash(),
    );

    // fail-closed: 503 while there was no master; fail-open: admitted unlimited, never refused.
    // Every request answered (each one is bounded by a 5 s client timeout): none hung.
    expect(seen.closed).toContain(503);
    expect(seen.closed.every((status) => [200, 429, 503].includes(status))).toBe(true);
    expect(seen.open.every(({ status }) => status === 200 || status === 429)).toBe(true);
    expect(seen.open.some(({ status, limited }) => status === 200 && !limited)).toBe(true);

    // Central follows the sentinel that led the failover; the one asked here may learn of it a
    // moment later (sentinels spread the new config by gossip).
    const deadline = Date.now() + 10_000;
    while ((await setup.currentMasterPort()) !== setup.replica.port && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await setup.currentMasterPort()).toBe(setup.replica.port);
    for (const algorithm of ALGORITHMS) {
      expect(tally(await burst(centrals, `/${algorithm}`, `after-${randomUUID()}`))).toEqual({
        200: LIMIT,
        429: 2 * LIMIT,
      });
    }

    for (const central of centrals) {
      await waitForLogs(central, [
        "redis master changed",
        "redis unavailable",
        "redis recovered",
        "rate limit store unavailable",
        "rate limit store recovered",
      ]);
      expect(logged(central, "redis master changed")).toEqual([
        expect.objectContaining({
          master: `127.0.0.1:${setup.replica.port}`,
          previous: `127.0.0.1:${setup.master.port}`,
        }),
      ]);
      expect(logged(central, "redis unavailable")).toHaveLength(1);
      expect(logged(central, "redis recovered")).toHaveLength(1);
      expect(logged(central, "rate limit store unavailable")).toHaveLength(1);
      expect(logged(central, "rate limit store recovered")).toHaveLength(1);
    }
  }, 40_000);
});
