import { isAbsolute, resolve } from "node:path";

/** One `host:port` of a Sentinel or Cluster seed list. */
export interface RedisNode {
  host: string;
  port: number;
}

/** CA bundle and optional client certificate (mutual TLS) for connections to Redis. */
export interface RedisTlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** REDIS_TLS_SERVERNAME: the name the server certificate must carry (default: the host connected to). */
  servername?: string;
}

interface RedisCredentials {
  /** ACL user (REDIS_USERNAME, or the URL's user); absent = the `default` user. */
  username?: string;
  password?: string;
  /** Present (possibly empty) = TLS on. */
  tls?: RedisTlsFiles;
}

/**
 * Which Redis central runs with, chosen by the environment only (exactly one of
 * REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES).
 */
export type RedisTopology =
  | ({ kind: "single"; url: string } & RedisCredentials)
  | ({
      kind: "sentinel";
      sentinels: RedisNode[];
      /** REDIS_SENTINEL_MASTER: the master group name the sentinels monitor. */
      masterName: string;
      sentinelUsername?: string;
      sentinelPassword?: string;
      db?: number;
    } & RedisCredentials)
  | ({ kind: "cluster"; nodes: RedisNode[] } & RedisCredentials);

/** A bad Redis environment; messages name the variable and never echo a password. */
export class RedisEnvError extends Error {
  override name = "RedisEnvError";
}

const TOPOLOGY_VARIABLES = ["REDIS_URL", "REDIS_SENTINELS", "REDIS_CLUSTER_NODES"] as const;

function set(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}

function parsePort(raw: string, variable: string, entry: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new RedisEnvError(`${variable}: "${entry}" has no valid port (1-65535)`);
  }
  return Number(raw);
}

/** `host:port,host:port`; IPv6 hosts in brackets (`[::1]:26379`). */
export function parseNodeList(value: string, variable: string): RedisNode[] {
  const nodes: RedisNode[] = [];
  const seen = new Set<string>();
  for (const raw of value.split(",")) {
    const entry = raw.trim();
    if (entry === "") throw new RedisEnvError(`${variable}: empty entry in "${value.slice(0, 200)}"`);
    const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9._-]+)):([^:]*)$/.exec(entry);
    if (match === null) {
      throw new RedisEnvError(
        `${variable}: "${entry.slice(0, 100)}" is not host:port (IPv6 as [addr]:port; list separated by commas)`,
      );
    }
    const host = (match[1] ?? match[2]) as string;
    const port = parsePort(match[3] as string, variable, entry);
    const id = `${host}:${port}`;
    if (seen.has(id)) throw new RedisEnvError(`${variable}: ${id} is listed twice`);
    seen.add(id);
    nodes.push({ host, port });
  }
  return nodes;
}

function file(env: NodeJS.ProcessEnv, name: string, cwd: string): string | undefined {
  const raw = env[name];
  if (!set(raw)) return undefined;
  return isAbsolute(raw) ? raw : resolve(cwd, raw);
}

function tlsFiles(
  env: NodeJS.ProcessEnv,
  cwd: string,
  tlsOn: boolean,
  why: string,
): RedisTlsFiles | undefined {
  const caFile = file(env, "REDIS_TLS_CA_FILE", cwd);
  const certFile = file(env, "REDIS_TLS_CERT_FILE", cwd);
  const keyFile = file(env, "REDIS_TLS_KEY_FILE", cwd);
  const servername = set(env.REDIS_TLS_SERVERNAME) ? env.REDIS_TLS_SERVERNAME : undefined;
  const any = [caFile, certFile, keyFile, servername].some((value) => value !== undefined);
  if (!tlsOn) {
    if (any) {
      throw new RedisEnvError(
        `REDIS_TLS_CA_FILE, REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE and REDIS_TLS_SERVERNAME need TLS on (${why})`,
      );
    }
    return undefined;
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new RedisEnvError("REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE must be set together");
  }
  return {
    ...(caFile === undefined ? {} : { caFile }),
    ...(certFile === undefined ? {} : { certFile }),
    ...(keyFile === undefined ? {} : { keyFile }),
    ...(servername === undefined ? {} : { servername }),
  };
}

function boolean(value: string | undefined, variable: string): boolean | undefined {
  if (!set(value)) return undefined;
  const normalised = value.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(normalised)) return true;
  if (["0", "false", "no", "off"].includes(normalised)) return false;
  throw new RedisEnvError(`${variable} must be true or false, got "${value.slice(0, 16)}"`);
}

function credentials(env: NodeJS.ProcessEnv): Pick<RedisCredentials, "username" | "password"> {
  const username = set(env.REDIS_USERNAME) ? env.REDIS_USERNAME : undefined;
  const password = set(env.REDIS_PASSWORD) ? env.REDIS_PASSWORD : undefined;
  if (username !== undefined && password === undefined) {
    throw new RedisEnvError("REDIS_USERNAME needs REDIS_PASSWORD (an ACL user authenticates with both)");
  }
  return {
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

function singleTopology(env: NodeJS.ProcessEnv, cwd: string, value: string): RedisTopology {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // never echo the value: it may carry a password
    throw new RedisEnvError(
      "REDIS_URL is not a valid URL (expected redis://[user:password@]host:port[/db] or rediss://...)",
    );
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new RedisEnvError(`REDIS_URL must use redis:// or rediss://, got ${url.protocol}//`);
  }
  if (url.hostname === "") throw new RedisEnvError("REDIS_URL has no host");
  if (url.pathname !== "" && url.pathname !== "/" && !/^\/\d{1,2}$/.test(url.pathname)) {
    throw new RedisEnvError("REDIS_URL's path must be a database number (/0 ... /15) or empty");
  }
  if (boolean(env.REDIS_TLS, "REDIS_TLS") !== undefined) {
    throw new RedisEnvError(
      "REDIS_TLS applies to REDIS_SENTINELS and REDIS_CLUSTER_NODES; with REDIS_URL use rediss://",
    );
  }
  const fromEnv = credentials(env);
  if ((url.username !== "" || url.password !== "") && (fromEnv.username ?? fromEnv.password) !== undefined) {
    throw new RedisEnvError(
      "REDIS_URL carries credentials: do not set REDIS_USERNAME / REDIS_PASSWORD as well",
    );
  }
  const tls = tlsFiles(env, cwd, url.protocol === "rediss:", "use rediss:// in REDIS_URL");
  return { kind: "single", url: value, ...fromEnv, ...(tls === undefined ? {} : { tls }) };
}

function sentinelTopology(env: NodeJS.ProcessEnv, cwd: string, value: string): RedisTopology {
  const sentinels = parseNodeList(value, "REDIS_SENTINELS");
  const masterName = env.REDIS_SENTINEL_MASTER?.trim() ?? "";
  if (masterName === "") {
    throw new RedisEnvError(
      "REDIS_SENTINELS needs REDIS_SENTINEL_MASTER (the master group name, e.g. mymaster)",
    );
  }
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(masterName)) {
    throw new RedisEnvError("REDIS_SENTINEL_MASTER may hold only letters, digits, '.', '_' and '-'");
  }
  const sentinelUsername = set(env.REDIS_SENTINEL_USERNAME) ? env.REDIS_SENTINEL_USERNAME : undefined;
  const sentinelPassword = set(env.REDIS_SENTINEL_PASSWORD) ? env.REDIS_SENTINEL_PASSWORD : undefined;
  if (sentinelUsername !== undefined && sentinelPassword === undefined) {
    throw new RedisEnvError("REDIS_SENTINEL_USERNAME needs REDIS_SENTINEL_PASSWORD");
  }
  let db: number | undefined;
  if (set(env.REDIS_DB)) {
    if (!/^\d{1,2}$/.test(env.REDIS_DB)) throw new RedisEnvError("REDIS_DB must be a database number (0-15)");
    db = Number(env.REDIS_DB);
  }
  const tlsOn = boolean(env.REDIS_TLS, "REDIS_TLS") ?? false;
  const tls = tlsFiles(env, cwd, tlsOn, "set REDIS_TLS=true");
  return {
    kind: "sentinel",
    sentinels,
    masterName,
    ...credentials(env),
    ...(sentinelUsername === undefined ? {} : { sentinelUsername }),
    ...(sentinelPassword === undefined ? {} : { sentinelPassword }),
    ...(db === undefined ? {} : { db }),
    ...(tls === undefined ? {} : { tls }),
  };
}

function clusterTopology(env: NodeJS.ProcessEnv, cwd: string, value: string): RedisTopology {
  const nodes = parseNodeList(value, "REDIS_CLUSTER_NODES");
  if (set(env.REDIS_DB) && env.REDIS_DB.trim() !== "0") {
    throw new RedisEnvError("REDIS_DB: Redis Cluster has only database 0");
  }
  const tlsOn = boolean(env.REDIS_TLS, "REDIS_TLS") ?? false;
  const tls = tlsFiles(env, cwd, tlsOn, "set REDIS_TLS=true");
  return { kind: "cluster", nodes, ...credentials(env), ...(tls === undefined ? {} : { tls }) };
}

const SENTINEL_ONLY = ["REDIS_SENTINEL_MASTER", "REDIS_SENTINEL_USERNAME", "REDIS_SENTINEL_PASSWORD"];
const NOT_FOR_URL = ["REDIS_DB", ...SENTINEL_ONLY];

/**
 * The Redis topology from the environment, or undefined when none is set
 * (central then uses in-process stores). Relative TLS file paths resolve
 * against `cwd`. Throws RedisEnvError on anything inconsistent.
 */
export function readRedisTopology(env: NodeJS.ProcessEnv, cwd: string): RedisTopology | undefined {
  const chosen = TOPOLOGY_VARIABLES.filter((name) => set(env[name]));
  if (chosen.length > 1) {
    throw new RedisEnvError(
      `set only one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES (got ${chosen.join(" and ")})`,
    );
  }
  const kind = chosen[0];
  const stray = (names: string[], why: string) => {
    const found = names.filter((name) => set(env[name]));
    if (found.length > 0) throw new RedisEnvError(`${found.join(", ")}: ${why}`);
  };
  if (kind === undefined) {
    stray(
      [
        ...NOT_FOR_URL,
        "REDIS_USERNAME",
        "REDIS_PASSWORD",
        "REDIS_TLS",
        "REDIS_TLS_CA_FILE",
        "REDIS_TLS_CERT_FILE",
        "REDIS_TLS_KEY_FILE",
        "REDIS_TLS_SERVERNAME",
      ],
      "set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES too (no Redis is configured)",
    );
    return undefined;
  }
  const value = (env[kind] as string).trim();
  switch (kind) {
    case "REDIS_URL":
      stray(NOT_FOR_URL, "only with REDIS_SENTINELS (REDIS_URL carries the database as /db)");
      return singleTopology(env, cwd, value);
    case "REDIS_SENTINELS":
      return sentinelTopology(env, cwd, value);
    case "REDIS_CLUSTER_NODES":
      stray(SENTINEL_ONLY, "only with REDIS_SENTINELS");
      return clusterTopology(env, cwd, value);
  }
}

/** For logs: the topology without credentials. */
export function describeRedisTopology(topology: RedisTopology): Record<string, unknown> {
  const tls = topology.tls === undefined ? "off" : topology.tls.certFile === undefined ? "on" : "mutual";
  const user = topology.username ?? (topology.password === undefined ? "none" : "default");
  switch (topology.kind) {
    case "single": {
      const url = new URL(topology.url);
      return {
        topology: "single",
        host: url.host,
        user: url.username !== "" ? decodeURIComponent(url.username) : user,
        tls,
      };
    }
    case "sentinel":
      return {
        topology: "sentinel",
        master: topology.masterName,
        sentinels: topology.sentinels.map(({ host, port }) => `${host}:${port}`),
        user,
        tls,
      };
    case "cluster":
      return {
        topology: "cluster",
        seeds: topology.nodes.map(({ host, port }) => `${host}:${port}`),
        user,
        tls,
      };
  }
}
