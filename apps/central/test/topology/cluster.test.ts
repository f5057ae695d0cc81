// A real Redis Cluster (3 masters, 3 replicas, started here on free ports) and
// three real central processes on it (REDIS_CLUSTER_NODES): exact limits for
// every algorithm, a multi-policy route kept all-or-nothing in one slot, a
// cross-slot route, replay protection, and a master killed during a burst.
import { randomUUID } from "node:crypto";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisConsumerStore } from "../../src/consumers/index.ts";
import { slotTag } from "../../src/redis/hash-tags.ts";
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
import {
  masterServing,
  missingRedisBinaries,
  type RedisCluster,
  redisCli,
  startRedisCluster,
} from "./redis-processes.ts";

const missing = missingRedisBinaries();
if (missing !== undefined) console.warn(`SKIPPED Redis Cluster tests: ${missing}`);

describe.skipIf(missing !== undefined)(
  "central on a Redis Cluster (3 masters + 3 replicas, 3 central replicas)",
  () => {
    let cluster: RedisCluster;
    let upstream: RecordingUpstream;
    let centrals: CentralProcess[] = [];

    beforeAll(async () => {
      [cluster, upstream] = await Promise.all([startRedisCluster(3, 1), startUpstream()]);
      const yaml = topologyConfig(upstream.url);
      centrals = await startCentrals(3, () =>
        startCentralProcess(yaml, { REDIS_CLUSTER_NODES: cluster.seeds, ...CENTRAL_ENV }),
      );
      await warmUp(centrals);
    }, 45_000);

    afterAll(async () => {
      await Promise.all(centrals.map((central) => central.stop()));
      await Promise.all([cluster?.stop(), upstream?.close()]);
    });

    it("logs the topology it runs on", async () => {
      for (const central of centrals) {
        await waitForLogs(central, ["redis"]);
        expect(logged(central, "redis")).toEqual([
          expect.objectContaining({ topology: "cluster", tls: "off" }),
        ]);
      }
    });

    it.each(ALGORITHMS)(
      "%s: a 3 × limit burst over three replicas admits exactly the limit",
      async (algorithm) => {
        const statuses = await burst(centrals, `/${algorithm}`, `c-${randomUUID()}`);
        expect(tally(statuses)).toEqual({ 200: LIMIT, 429: 2 * LIMIT });
      },
    );

    it("spreads consumers' keys over the masters (the hash tag is the consumer, not the policy)", async () => {
      const subs = Array.from({ length: 12 }, () => `spread-${randomUUID()}`);
      for (const sub of subs) expect(await burst(centrals, "/sliding_window", sub, 1)).toEqual([200]);
      const perMaster = await Promise.all(
        cluster.masters.map(async (master) => {
          const keys = (await redisCli(master.port, "--scan", "--pattern", "rl:{consumer=spread-*")).trim();
          return keys === "" ? 0 : keys.split("\n").length;
        }),
      );
      expect(perMaster.reduce((a, b) => a + b, 0)).toBe(subs.length);
      expect(perMaster.filter((count) => count > 0).length).toBeGreaterThan(1);
    });

    it("keeps a multi-policy route all-or-nothing: one slot, one script, the jti beside the counters", async () => {
      const sub = `multi-${randomUUID()}`;
      const statuses = await burst(centrals, "/multi", sub);
      expect(tally(statuses)).toEqual({ 200: LIMIT, 429: 2 * LIMIT });
      const owner = await masterServing(cluster, slotTag("consumer", sub).slice(1, -1));
      // the loose policy counted exactly the admitted requests: denied ones consumed nothing anywhere
      expect(
        await redisCli(owner.port, "hget", `rl:${slotTag("consumer", sub)}:multi-loose:${sub}:multi`, "c"),
      ).toBe(`${LIMIT}\n`);
      const jtis = (
        await redisCli(
          owner.port,
          "--scan",
          "--pattern",
          `gateway:identity:jti:${slotTag("consumer", sub)}:*`,
        )
      )
        .trim()
        .split("\n");
      expect(jtis).toHaveLength(3 * LIMIT);
    });

    it("admits exactly the tight limit on a route whose policies sit in two slots (consumer and ip)", async () => {
      const statuses = await burst(centrals, "/cross", `cross-${randomUUID()}`);
      expect(tally(statuses)).toEqual({ 200: LIMIT, 429: 2 * LIMIT });
    });

    it("keeps the consumer and API-key store working: one hash tag, so MGET and MULTI stay in one slot", async () => {
      const client = new Cluster(
        cluster.seeds.split(",").map((seed) => ({ host: "127.0.0.1", port: Number(seed.split(":")[1]) })),
        {
          lazyConnect: true,
        },
      );
      await client.connect();
      try {
        const store = createRedisConsumerStore(client);
        const id = `cluster-${randomUUID()}`;
        const consumer = { id, name: id, roles: [], scopes: [], rateLimit: [], createdAt: 1 };
        expect(await store.createConsumer(consumer)).toBe(true);
        const key = { id: `k-${id}`, consumerId: id, hash: `h-${id}`, prefix: "gw_test_x", createdAt: 2 };
        await store.putKey(key);
        await store.recordLastUsed(new Map([[key.id, 3]]));
        expect(await store.getKeyByHash(key.hash)).toEqual(key);
        expect(await store.listKeys(id)).toEqual([{ ...key, lastUsedAt: 3 }]);
        expect((await store.listConsumers()).map((c) => c.id)).toContain(id);
        expect(await store.deleteConsumer(id)).toBe(true);
        expect(await store.getKeyByHash(key.hash)).toBeUndefined();
      } finally {
        client.disconnect();
      }
    });

    it("refuses a replayed token on the cluster without consuming quota", async () => {
      const central = centrals[0] as CentralProcess;
      const sub = `replay-${randomUUID()}`;
      const token = await central.token("/token_bucket", sub);
      expect((await central.get("/token_bucket", token)).status).toBe(200);
      const again = await (centrals[1] as CentralProcess).get("/token_bucket", token);
      expect(again.status).toBe(401);
      const next = await central.get("/token_bucket", await central.token("/token_bucket", sub));
      expect(next.headers.get("ratelimit")).toBe(
        `"token_bucket";r=${LIMIT - 2};t=${Math.ceil((2 * 86400) / LIMIT)}`,
      );
    });

    it("follows each policy's fail mode while a master fails over, then is exact again; logged once per event", async () => {
      const sub = `failover-${randomUUID()}`;
      const tag = slotTag("consumer", sub).slice(1, -1);
      const victim = await masterServing(cluster, tag);
      // A loaded CI machine slows the cluster's own failover (failure reports, election), so
      // the settle bound is generous; on a miss the failure says what the cluster looked like.
      const seen = await burstThroughFailover(
        centrals,
        () => sub,
        "/sliding_window",
        () => victim.crash(),
        60_000,
      ).catch(async (error: Error) => {
        const live = [...cluster.masters, ...cluster.replicas].find((node) => node.port !== victim.port);
        const nodes = live === undefined ? "" : await redisCli(live.port, "cluster", "nodes").catch(String);
        throw new Error(`${error.message}\ncluster nodes seen from a live node:\n${nodes}`);
      });

      // fail-closed: 503 while the slot had no master; fail-open: admitted unlimited, never refused
      expect(seen.closed).toContain(503);
      expect(seen.closed.every((status) => [200, 429, 503].includes(status))).toBe(true);
      expect(seen.open.every(({ status }) => status === 200 || status === 429)).toBe(true);
      expect(seen.open.some(({ status, limited }) => status === 200 && !limited)).toBe(true);

      const promoted = await masterServing(cluster, tag);
      expect(promoted.port).not.toBe(victim.port);
      const statuses = await burst(centrals, "/gcra", sub);
      expect(tally(statuses)).toEqual({ 200: LIMIT, 429: 2 * LIMIT });

      const node = `127.0.0.1:${victim.port}`;
      for (const central of centrals) {
        await waitForLogs(central, [
          "redis cluster node unavailable",
          "redis cluster masters changed",
          "rate limit store unavailable",
          "rate limit store recovered",
        ]);
        expect(
          logged(central, "redis cluster node unavailable").filter((line) => line.node === node),
        ).toHaveLength(1);
        const changed = logged(central, "redis cluster masters changed");
        expect(changed.filter((line) => (line.replaced as string[]).includes(node))).toHaveLength(1);
        expect(logged(central, "rate limit store unavailable")).toHaveLength(1);
        expect(logged(central, "rate limit store recovered")).toHaveLength(1);
      }
    }, 90_000);
  },
);
