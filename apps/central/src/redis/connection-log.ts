import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import { type CentralRedis, isCluster } from "./index.ts";

export interface RedisConnectionLog {
  /** For the client's 'error' event: every failed (re)connect while Redis is down. */
  onError(err: Error): void;
  /** For the client's 'ready' event. */
  onReady(): void;
  /**
   * Subscribes to the client's events: 'ready' (and, on a Sentinel client, which
   * master it reached), and on a Cluster client its nodes and slot map.
   */
  watch(redis: CentralRedis): void;
}

type ConnectionLogger = Pick<Logger, "warn" | "info" | "debug">;

function errorDetail(err: Error) {
  return { err: { message: err.message, code: (err as { code?: string }).code } };
}

interface NodeLike {
  options: { host?: string; port?: number };
  once(event: "ready", listener: () => void): unknown;
}

function nodeKey(node: NodeLike): string {
  return `${node.options.host}:${node.options.port}`;
}

/**
 * A Cluster's own lines: one warning per node that becomes unreachable, one
 * info line when it answers again, and one when a slot-map refresh finds a
 * different set of masters (a failover or a resharding), however many
 * refreshes and retries happen in between.
 */
function watchCluster(cluster: Cluster, logger: ConnectionLogger): void {
  const down = new Map<string, number>();
  let masters: string | undefined;
  cluster.on("node error", (err: Error, key: string) => {
    if (down.has(key)) {
      logger.debug({ node: key, ...errorDetail(err) }, "redis cluster node connection attempt failed");
      return;
    }
    down.set(key, Date.now());
    logger.warn({ node: key, ...errorDetail(err) }, "redis cluster node unavailable");
  });
  cluster.on("+node", (node: NodeLike) => {
    node.once("ready", () => {
      const key = nodeKey(node);
      const since = down.get(key);
      if (since === undefined) return;
      down.delete(key);
      logger.info({ node: key, outageMs: Date.now() - since }, "redis cluster node recovered");
    });
  });
  cluster.on("refresh", () => {
    const current = cluster.nodes("master").map((node) => nodeKey(node as unknown as NodeLike));
    const now = [...current].sort().join(",");
    if (masters !== undefined && now !== masters) {
      // a node still down that is no longer a master was replaced (its replica took over):
      // its outage is over as far as this client is concerned
      const replaced = [...down.keys()].filter((key) => !current.includes(key));
      for (const key of replaced) down.delete(key);
      logger.info(
        { masters: now.split(","), previous: masters.split(","), replaced },
        "redis cluster masters changed",
      );
    }
    masters = now;
  });
}

/**
 * One warning when Redis becomes unreachable and one info line when it is back,
 * however many reconnect attempts fail in between (those are debug lines): an
 * outage is one event in the log, not one line per retry. A Sentinel client
 * also logs once when it reconnects to a different master (a failover), and a
 * Cluster client logs per node and per change of masters (see watchCluster).
 */
export function createRedisConnectionLog(logger: ConnectionLogger): RedisConnectionLog {
  let outage: { since: number; failedAttempts: number } | undefined;
  const log: RedisConnectionLog = {
    onError(err) {
      if (outage !== undefined) {
        outage.failedAttempts++;
        logger.debug(errorDetail(err), "redis connection attempt failed");
        return;
      }
      outage = { since: Date.now(), failedAttempts: 1 };
      logger.warn(errorDetail(err), "redis unavailable");
    },
    onReady() {
      if (outage === undefined) return;
      logger.info(
        { outageMs: Date.now() - outage.since, failedAttempts: outage.failedAttempts },
        "redis recovered",
      );
      outage = undefined;
    },
    watch(redis) {
      redis.on("ready", log.onReady);
      if (isCluster(redis)) {
        watchCluster(redis, logger);
        return;
      }
      watchSentinelMaster(redis, logger);
    },
  };
  return log;
}

/** A Sentinel client: one line when it (re)connects to a different master than before. */
function watchSentinelMaster(redis: Redis, logger: ConnectionLogger): void {
  if (redis.options.sentinels == null) return;
  let master: string | undefined;
  redis.on("ready", () => {
    const stream = redis.stream as { remoteAddress?: string; remotePort?: number } | undefined;
    const now = `${stream?.remoteAddress}:${stream?.remotePort}`;
    if (master !== undefined && now !== master) {
      logger.info({ master: now, previous: master, group: redis.options.name }, "redis master changed");
    }
    master = now;
  });
}
