import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readPortEnv } from "@gateway/config/env";
import {
  type IdentityPrivateJwk,
  parseHopKeysEnv,
  parseJwksEnv,
  parsePrivateJwkEnv,
} from "@gateway/identity";
import { DEFAULT_DRAIN_TIMEOUT_MS } from "./lifecycle/index.ts";
import { type RedisTopology, readRedisTopology } from "./redis/topology.ts";
import { DEFAULT_MAX_CONNECTIONS } from "./server/index.ts";
import { type Cidr, parseCidrList } from "./server/network-allowlist/index.ts";

/** Files for the TLS listener (paths resolved against the working directory). */
export interface CentralTlsFiles {
  certFile: string;
  keyFile: string;
  /** Client CA bundle: when set, peers must present a certificate from it (mTLS). */
  clientCaFile?: string;
}

export interface CentralEnv {
  configPath: string;
  port: number;
  host: string;
  /** REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES (+ credentials, TLS); unset = in-process stores. */
  redis?: RedisTopology;
  /** REDIS_TIMEOUT_MS: how long a request waits on Redis before the policy's fail mode applies. */
  redisTimeoutMs: number;
  /** EDGE_CENTRAL_KEYS: the HS256 keys shared with the edge (identity.hop.algorithm HS256). */
  edgeCentralKeys?: { keys: JsonWebKey[] };
  /** EDGE_IDENTITY_PUBLIC_JWKS: the edge's Ed25519 public keys (identity.hop.algorithm EdDSA). */
  edgePublicKeys?: { keys: JsonWebKey[] };
  centralPrivateJwk: IdentityPrivateJwk;
  /** CENTRAL_IDENTITY_PUBLIC_JWKS: more public keys to publish at /.well-known/gateway-jwks.json (rotation). */
  publishedKeys?: { keys: JsonWebKey[] };
  logLevel: string;
  /** CENTRAL_ALLOWED_CIDRS: only these peer networks are served (unset = any peer). */
  allowedNetworks?: Cidr[];
  /** CENTRAL_MAX_CONNECTIONS: open connections per process. */
  maxConnections: number;
  /** CENTRAL_TLS_CERT_FILE + CENTRAL_TLS_KEY_FILE (+ CENTRAL_TLS_CLIENT_CA_FILE for mTLS). */
  tls?: CentralTlsFiles;
  /** CENTRAL_METRICS_PORT (+ CENTRAL_METRICS_HOST, default CENTRAL_HOST): Prometheus /metrics; unset = no metrics. */
  metrics?: { port: number; host: string };
  /** CENTRAL_DRAIN_TIMEOUT_MS: on SIGTERM, how long in-flight requests may take before they are cut. */
  drainTimeoutMs: number;
  /** CENTRAL_CONFIG_WATCH=1: reload the config when the file changes (SIGHUP always reloads). */
  watchConfig: boolean;
}

/** Thrown for a bad environment; the message names the variable and never echoes secrets. */
export class EnvError extends Error {
  override name = "EnvError";
}

/** The repository's gateway.config.yaml (apps/central/src → repo root). */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL("../../../gateway.config.yaml", import.meta.url));

const LOG_LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

function port(value: string | undefined, name: string, fallback: number): number {
  try {
    return readPortEnv(value, name, fallback);
  } catch (error) {
    throw new EnvError((error as Error).message);
  }
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!/^\d{1,9}$/.test(value) || parsed < 1) {
    throw new EnvError(`${name} must be a positive integer, got "${value.slice(0, 32)}"`);
  }
  return parsed;
}

/** A request waits this long on Redis (rate-limit script, replay check) by default. */
export const DEFAULT_REDIS_TIMEOUT_MS = 250;

function boundedInt(value: string | undefined, name: string, fallback: number, max: number): number {
  const parsed = positiveInt(value, name, fallback);
  if (parsed > max) throw new EnvError(`${name} must be at most ${max}, got ${parsed}`);
  return parsed;
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === "" || value === "0" || value === "false") return false;
  if (value === "1" || value === "true") return true;
  throw new EnvError(`${name} must be 1 or 0, got "${value.slice(0, 32)}"`);
}

function allowedNetworks(value: string | undefined): Cidr[] | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  try {
    return parseCidrList(value);
  } catch (error) {
    throw new EnvError(`CENTRAL_ALLOWED_CIDRS: ${(error as Error).message}`);
  }
}

function tlsFiles(env: NodeJS.ProcessEnv, cwd: string): CentralTlsFiles | undefined {
  const file = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw === "" ? undefined : isAbsolute(raw) ? raw : resolve(cwd, raw);
  };
  const certFile = file("CENTRAL_TLS_CERT_FILE");
  const keyFile = file("CENTRAL_TLS_KEY_FILE");
  const clientCaFile = file("CENTRAL_TLS_CLIENT_CA_FILE");
  if (certFile === undefined && keyFile === undefined) {
    if (clientCaFile !== undefined) {
      throw new EnvError("CENTRAL_TLS_CLIENT_CA_FILE needs CENTRAL_TLS_CERT_FILE and CENTRAL_TLS_KEY_FILE");
    }
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new EnvError("CENTRAL_TLS_CERT_FILE and CENTRAL_TLS_KEY_FILE must be set together");
  }
  return { certFile, keyFile, ...(clientCaFile === undefined ? {} : { clientCaFile }) };
}

/** Unset or empty: absent (which keys are required depends on the config; see identity/edge-token-verifier.ts). */
function optionalKeys<Name extends string>(
  name: Name,
  raw: string | undefined,
  parse: () => { keys: JsonWebKey[] },
): { [K in Name]?: { keys: JsonWebKey[] } } {
  if (raw === undefined || raw.trim() === "") return {};
  return { [name]: parse() } as { [K in Name]: { keys: JsonWebKey[] } };
}

/** Reads and validates central's environment; relative config paths resolve against `cwd`. */
export function readCentralEnv(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): CentralEnv {
  const logLevel = env.LOG_LEVEL || "info";
  if (!LOG_LEVELS.has(logLevel)) {
    throw new EnvError(
      `LOG_LEVEL must be one of ${[...LOG_LEVELS].join(", ")}, got "${logLevel.slice(0, 32)}"`,
    );
  }
  const rawConfig = env.GATEWAY_CONFIG;
  const configPath =
    rawConfig === undefined || rawConfig === ""
      ? DEFAULT_CONFIG_PATH
      : isAbsolute(rawConfig)
        ? rawConfig
        : resolve(cwd, rawConfig);
  const wrap = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      throw new EnvError((error as Error).message);
    }
  };
  const redis = wrap(() => readRedisTopology(env, cwd));
  const networks = allowedNetworks(env.CENTRAL_ALLOWED_CIDRS);
  const tls = tlsFiles(env, cwd);
  return {
    configPath,
    port: port(env.CENTRAL_PORT, "CENTRAL_PORT", 8080),
    host: env.CENTRAL_HOST || "127.0.0.1",
    ...(redis === undefined ? {} : { redis }),
    redisTimeoutMs: boundedInt(env.REDIS_TIMEOUT_MS, "REDIS_TIMEOUT_MS", DEFAULT_REDIS_TIMEOUT_MS, 10_000),
    ...optionalKeys("edgeCentralKeys", env.EDGE_CENTRAL_KEYS, () =>
      wrap(() => parseHopKeysEnv(env.EDGE_CENTRAL_KEYS, "EDGE_CENTRAL_KEYS")),
    ),
    ...optionalKeys("edgePublicKeys", env.EDGE_IDENTITY_PUBLIC_JWKS, () =>
      wrap(() => parseJwksEnv(env.EDGE_IDENTITY_PUBLIC_JWKS, "EDGE_IDENTITY_PUBLIC_JWKS")),
    ),
    ...optionalKeys("publishedKeys", env.CENTRAL_IDENTITY_PUBLIC_JWKS, () =>
      wrap(() => parseJwksEnv(env.CENTRAL_IDENTITY_PUBLIC_JWKS, "CENTRAL_IDENTITY_PUBLIC_JWKS")),
    ),
    centralPrivateJwk: wrap(() =>
      parsePrivateJwkEnv(env.CENTRAL_IDENTITY_PRIVATE_JWK, "CENTRAL_IDENTITY_PRIVATE_JWK"),
    ),
    logLevel,
    ...(networks === undefined ? {} : { allowedNetworks: networks }),
    maxConnections: positiveInt(
      env.CENTRAL_MAX_CONNECTIONS,
      "CENTRAL_MAX_CONNECTIONS",
      DEFAULT_MAX_CONNECTIONS,
    ),
    ...(tls === undefined ? {} : { tls }),
    ...metricsListener(env),
    drainTimeoutMs: positiveInt(
      env.CENTRAL_DRAIN_TIMEOUT_MS,
      "CENTRAL_DRAIN_TIMEOUT_MS",
      DEFAULT_DRAIN_TIMEOUT_MS,
    ),
    watchConfig: flag(env.CENTRAL_CONFIG_WATCH, "CENTRAL_CONFIG_WATCH"),
  };
}

function metricsListener(env: NodeJS.ProcessEnv): { metrics?: { port: number; host: string } } {
  const raw = env.CENTRAL_METRICS_PORT;
  if (raw === undefined || raw.trim() === "") return {};
  const metricsPort = port(raw, "CENTRAL_METRICS_PORT", 0);
  const host = env.CENTRAL_METRICS_HOST || env.CENTRAL_HOST || "127.0.0.1";
  return { metrics: { port: metricsPort, host } };
}
