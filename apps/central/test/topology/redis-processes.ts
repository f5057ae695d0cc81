import { type ChildProcess, execFile, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { findRedisServerBinary, freePort } from "@gateway/testing";

const run = promisify(execFile);

/** `name` on $PATH (or /usr/bin), else undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/local/bin"]) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** Why the topology tests cannot run here (a missing binary), or undefined when they can. */
export function missingRedisBinaries(): string | undefined {
  const server = findRedisServerBinary();
  try {
    accessSync(server, constants.X_OK);
  } catch {
    return "redis-server is not installed (apt-get install redis-server)";
  }
  if (findBinary("redis-cli") === undefined)
    return "redis-cli is not installed (apt-get install redis-tools)";
  return undefined;
}

export interface RedisProcess {
  port: number;
  child: ChildProcess;
  /** SIGKILL (a crash: no goodbye to clients or peers) and wait for the exit. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Spawns redis-server with `args`, resolving once its log shows `ready` (rejects if it exits first). */
export function spawnRedis(args: string[], ready: RegExp, port: number): Promise<RedisProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(findRedisServerBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const kill = async (signal: NodeJS.Signals) => {
      if (exited(child)) return;
      const gone = new Promise((done) => child.once("exit", done));
      child.kill(signal);
      await gone;
    };
    const onData = (data: Buffer) => {
      output += data.toString();
      if (!ready.test(output)) return;
      child.stdout?.off("data", onData);
      child.off("exit", onEarlyExit);
      child.stdout?.resume();
      resolve({ port, child, crash: () => kill("SIGKILL"), stop: () => kill("SIGTERM") });
    };
    const onEarlyExit = (code: number | null) =>
      reject(
        new Error(`redis-server ${args.join(" ")} exited (${code}) before ready: ${output.slice(-800)}`),
      );
    child.stdout?.on("data", onData);
    child.stderr?.resume();
    child.once("error", reject);
    child.once("exit", onEarlyExit);
  });
}

export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(findBinary("redis-cli") as string, [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    ...args,
  ]);
  return stdout;
}

/** Polls `check` (every 50 ms) until it returns a value, or throws after `timeoutMs` naming `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `timed out waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ""}`,
  );
}

/**
 * `spawnRedis` on fresh free ports (`ports` of them per attempt): a port found free
 * can be taken by another process (another test file) before redis binds it.
 */
export async function spawnOnFreePorts(
  ports: number,
  args: (ports: number[]) => string[],
  ready: RegExp,
): Promise<RedisProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    const chosen: number[] = [];
    for (let i = 0; i < ports; i++) chosen.push(await freePort());
    try {
      return await spawnRedis(args(chosen), ready, chosen[0] as number);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

const COMMON = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"];

export interface RedisCluster {
  /** `host:port` of every node (masters first), for REDIS_CLUSTER_NODES. */
  seeds: string;
  masters: RedisProcess[];
  replicas: RedisProcess[];
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster on free ports: `masters` masters, each with `replicasPerMaster`
 * replicas, created with `redis-cli --cluster create`; resolves once every node
 * reports cluster_state:ok.
 */
export async function startRedisCluster(masters = 3, replicasPerMaster = 0): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), "redis-cluster-"));
  const count = masters * (1 + replicasPerMaster);
  const nodes = await Promise.all(
    Array.from({ length: count }, () =>
      spawnOnFreePorts(
        2,
        ([port, bus]) => [
          ...["--port", String(port), "--cluster-port", String(bus), ...COMMON],
          ...["--cluster-enabled", "yes", "--cluster-config-file", join(dir, `nodes-${port}.conf`)],
          ...["--cluster-node-timeout", "1000", "--dir", dir],
          // Availability is the subject: a replica fails over however long ago it last heard its master.
          ...["--cluster-replica-validity-factor", "0"],
        ],
        /Ready to accept connections/,
      ),
    ),
  );
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await run(findBinary("redis-cli") as string, [
      "--cluster",
      "create",
      ...nodes.map((node) => `127.0.0.1:${node.port}`),
      "--cluster-replicas",
      String(replicasPerMaster),
      "--cluster-yes",
    ]);
    await waitFor("cluster_state:ok on every node", async () => {
      const infos = await Promise.all(nodes.map((node) => redisCli(node.port, "cluster", "info")));
      return infos.every((info) => info.includes("cluster_state:ok")) ? true : undefined;
    });
    // redis-cli gives the first `masters` nodes the slots and makes the rest their replicas
    const roles = await Promise.all(nodes.map((node) => redisCli(node.port, "role")));
    const isMaster = roles.map((role) => role.startsWith("master"));
    return {
      seeds: nodes.map((node) => `127.0.0.1:${node.port}`).join(","),
      masters: nodes.filter((_, i) => isMaster[i]),
      replicas: nodes.filter((_, i) => !isMaster[i]),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface RedisSentinelSetup {
  /** For REDIS_SENTINELS. */
  sentinels: string;
  masterName: string;
  master: RedisProcess;
  replica: RedisProcess;
  sentinelProcesses: RedisProcess[];
  /** The master's port as the sentinels report it now. */
  currentMasterPort(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * One master, one replica and three sentinels (quorum 2, down-after 1 s), all
 * on free ports; resolves once every sentinel knows the replica and the other
 * two sentinels (what a failover needs).
 */
export async function startRedisSentinel(masterName = "gwmaster"): Promise<RedisSentinelSetup> {
  const dir = await mkdtemp(join(tmpdir(), "redis-sentinel-"));
  const master = await spawnOnFreePorts(
    1,
    ([port]) => ["--port", String(port), ...COMMON, "--dir", dir],
    /Ready to accept connections/,
  );
  const masterPort = master.port;
  const replica = await spawnOnFreePorts(
    1,
    ([port]) => [
      "--port",
      String(port),
      ...COMMON,
      "--dir",
      dir,
      "--replicaof",
      "127.0.0.1",
      String(masterPort),
    ],
    /Ready to accept connections/,
  );
  const replicaPort = replica.port;
  const sentinelProcesses: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all([master, replica, ...sentinelProcesses].map((node) => node.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor("the replica in sync", async () =>
      (await redisCli(replicaPort, "info", "replication")).includes("master_link_status:up")
        ? true
        : undefined,
    );
    for (let i = 0; i < 3; i++) {
      const file = join(dir, `sentinel-${i}.conf`);
      // the port comes from the command line; sentinel rewrites this file as it learns
      await writeFile(
        file,
        [
          "bind 127.0.0.1",
          `dir ${dir}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 5000`,
          `sentinel parallel-syncs ${masterName} 1`,
          "",
        ].join("\n"),
      );
      sentinelProcesses.push(
        await spawnOnFreePorts(
          1,
          ([port]) => [file, "--sentinel", "--port", String(port)],
          /\+monitor master/,
        ),
      );
    }
    await waitFor(
      "every sentinel to know the replica and the two other sentinels",
      async () => {
        for (const sentinel of sentinelProcesses) {
          const replicas = await redisCli(sentinel.port, "sentinel", "replicas", masterName);
          const peers = await redisCli(sentinel.port, "sentinel", "sentinels", masterName);
          if (!replicas.includes(String(replicaPort))) return undefined;
          if (peers.split("\n").filter((line) => line === "runid").length < 2) return undefined;
        }
        return true;
      },
      30_000,
    );
    return {
      sentinels: sentinelProcesses.map((s) => `127.0.0.1:${s.port}`).join(","),
      masterName,
      master,
      replica,
      sentinelProcesses,
      async currentMasterPort() {
        const reply = await redisCli(
          (sentinelProcesses[0] as RedisProcess).port,
          "sentinel",
          "get-master-addr-by-name",
          masterName,
        );
        return Number(reply.trim().split("\n")[1]);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The master of `cluster` that serves the slot of hash tag `tag` now (from its own CLUSTER NODES line). */
export async function masterServing(cluster: RedisCluster, tag: string): Promise<RedisProcess> {
  const live = [...cluster.masters, ...cluster.replicas].filter((node) => !exited(node.child));
  const slot = Number((await redisCli((live[0] as RedisProcess).port, "cluster", "keyslot", tag)).trim());
  for (const node of live) {
    const myself = (await redisCli(node.port, "cluster", "nodes"))
      .split("\n")
      .find((line) => line.includes("myself"));
    const fields = myself?.split(" ") ?? [];
    if (!fields[2]?.includes("master")) continue;
    for (const range of fields.slice(8)) {
      const [from, to = from] = range.split("-").map(Number);
      if (from !== undefined && to !== undefined && slot >= from && slot <= to) return node;
    }
  }
  throw new Error(`no live master serves slot ${slot} (tag ${tag})`);
}
