import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import type { RedisTlsFiles, RedisTopology } from "./topology.ts";

export { hashTagOf, slotTag } from "./hash-tags.ts";
export {
  describeRedisTopology,
  parseNodeList,
  RedisEnvError,
  type RedisNode,
  type RedisTlsFiles,
  type RedisTopology,
  readRedisTopology,
} from "./topology.ts";

/**
 * The Redis central talks to, whatever the topology: a single server or a
 * Sentinel-managed master (ioredis `Redis`) or a Redis Cluster (ioredis
 * `Cluster`). Capabilities accept this type (or a `Pick` of it) and use only
 * commands both share; multi-key commands and scripts must keep their keys in
 * one hash slot (see docs/scaling.md, "Redis key layout").
 */
export type CentralRedis = Redis | Cluster;

/** True for a Redis Cluster client: keys of one script must then share a hash tag. */
export function isCluster(redis: CentralRedis): redis is Cluster {
  return (redis as { isCluster?: boolean }).isCluster === true;
}

/**
 * Fail fast instead of queueing: a request never waits on a Redis that is not
 * there (no offline queue, no per-command retries, a command timeout), while
 * the client keeps reconnecting in the background.
 */
export const CENTRAL_REDIS_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 500,
  connectTimeout: 2000,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
  // Commands issued in the same event-loop turn (one per concurrent request) leave in one socket
  // write instead of one write syscall each: under load that was ~7% of central's CPU.
  enableAutoPipelining: true,
} satisfies RedisOptions;

/** After a failover the old master may linger as a replica: drop the connection on its READONLY answer. */
function reconnectOnReadonly(error: Error): boolean {
  return error.message.startsWith("READONLY");
}

function readTlsFile(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${variable}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
}

/** node:tls options from the TLS files (certificates are always verified). */
export function tlsOptions(files: RedisTlsFiles): ConnectionOptions {
  return {
    ...(files.caFile === undefined ? {} : { ca: readTlsFile(files.caFile, "REDIS_TLS_CA_FILE") }),
    ...(files.certFile === undefined ? {} : { cert: readTlsFile(files.certFile, "REDIS_TLS_CERT_FILE") }),
    ...(files.keyFile === undefined ? {} : { key: readTlsFile(files.keyFile, "REDIS_TLS_KEY_FILE") }),
    ...(files.servername === undefined ? {} : { servername: files.servername }),
  };
}

function nodeOptions(topology: RedisTopology): RedisOptions {
  return {
    ...(topology.username === undefined ? {} : { username: topology.username }),
    ...(topology.password === undefined ? {} : { password: topology.password }),
    ...(topology.tls === undefined ? {} : { tls: tlsOptions(topology.tls) }),
  };
}

/**
 * How cluster redirections and failovers are retried. A command is retried on
 * MOVED/ASK/TRYAGAIN/CLUSTERDOWN only within the caller's own deadline (every
 * request-path call is wrapped in a timeout), so nothing waits past it.
 */
export const CENTRAL_CLUSTER_OPTIONS = {
  enableOfflineQueue: false,
  enableAutoPipelining: true,
  maxRedirections: 6,
  retryDelayOnFailover: 50,
  retryDelayOnClusterDown: 50,
  retryDelayOnTryAgain: 50,
  slotsRefreshTimeout: 1000,
  // besides the refreshes a redirection or a lost connection triggers: notices a
  // failover or resharding on shards this replica has not talked to lately
  slotsRefreshInterval: 5000,
  clusterRetryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
} satisfies ClusterOptions;

/**
 * The client for a topology, not connected yet (`lazyConnect`): call
 * `connect()`. `onError` receives connection errors (`error` on a single or
 * Sentinel client, `node error` on a Cluster).
 */
export function createCentralRedis(url: string, onError: (err: Error) => void): Redis;
export function createCentralRedis(
  topology: RedisTopology,
  onError: (err: Error) => void,
  options?: { requestTimeoutMs?: number },
): CentralRedis;
export function createCentralRedis(
  target: string | RedisTopology,
  onError: (err: Error) => void,
  options: { requestTimeoutMs?: number } = {},
): CentralRedis {
  const topology: RedisTopology = typeof target === "string" ? { kind: "single", url: target } : target;
  const perNode = {
    ...CENTRAL_REDIS_OPTIONS,
    // the request path gives up first (REDIS_TIMEOUT_MS); this only frees the client's own queue
    ...(options.requestTimeoutMs === undefined
      ? {}
      : { commandTimeout: Math.max(CENTRAL_REDIS_OPTIONS.commandTimeout, 2 * options.requestTimeoutMs) }),
    ...nodeOptions(topology),
    reconnectOnError: reconnectOnReadonly,
  } satisfies RedisOptions;
  switch (topology.kind) {
    case "single": {
      const redis = new Redis(topology.url, { ...perNode, lazyConnect: true });
      redis.on("error", onError);
      return redis;
    }
    case "sentinel": {
      const redis = new Redis({
        ...perNode,
        lazyConnect: true,
        sentinels: topology.sentinels,
        name: topology.masterName,
        role: "master",
        ...(topology.db === undefined ? {} : { db: topology.db }),
        ...(topology.sentinelUsername === undefined ? {} : { sentinelUsername: topology.sentinelUsername }),
        ...(topology.sentinelPassword === undefined ? {} : { sentinelPassword: topology.sentinelPassword }),
        ...(topology.tls === undefined
          ? {}
          : { enableTLSForSentinelMode: true, sentinelTLS: tlsOptions(topology.tls) }),
        sentinelCommandTimeout: 500,
        sentinelRetryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
        // No failoverDetector: after a crash the client has already reconnected (asking the
        // sentinels) when +switch-master arrives, and the detector would drop that fresh
        // connection for a second outage. A demoted master is left on its READONLY answer.
        failoverDetector: false,
      });
      redis.on("error", onError);
      return redis;
    }
    case "cluster": {
      const { retryStrategy: _perNodeRetry, enableOfflineQueue: _queue, ...redisOptions } = perNode;
      const cluster = new Cluster(topology.nodes, {
        ...CENTRAL_CLUSTER_OPTIONS,
        lazyConnect: true,
        redisOptions,
      });
      cluster.on("error", onError);
      cluster.on("node error", onError);
      return cluster;
    }
  }
}
