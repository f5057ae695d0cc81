// Starts the whole local stack: demo-issuer (dev JWKS + tokens), demo-users,
// central, and the edge on workerd (wrangler dev). Used by `./gw dev` and by
// the end-to-end tests; every port and path comes from the options, so
// several stacks can run side by side.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { prepareEdgeLaunch } from "@gateway/edge/launch";
import { prepareSelfHostedLaunch } from "@gateway/edge/self-hosted";
import {
  generateHopSecret,
  generateIdentityKeyPair,
  type HopSecretJwk,
  type IdentityKeyPair,
} from "@gateway/identity";
import { createDemoKey, createTrialKey, loadOrCreateConsumerSecrets } from "./demo-consumer.ts";

export { type EdgeLaunchOptions, prepareEdgeLaunch } from "@gateway/edge/launch";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface StackPorts {
  edge: number;
  central: number;
  demoUsers: number;
  demoIssuer: number;
  edgeInspector: number;
  /** apps/demo-orders (gRPC); when absent it is not started and the orders route answers 503. */
  demoOrders?: number;
  /** Central's admin API (consumers and API keys), loopback only. */
  centralAdmin: number;
  /** Central's Prometheus /metrics listener (CENTRAL_METRICS_PORT); none when absent. */
  centralMetrics?: number;
}

export interface StackOptions {
  ports: StackPorts;
  /** Folder for keys, generated config and logs of this stack. */
  stateDir: string;
  configPath: string;
  redisUrl?: string;
  /** Where child output goes; each line is prefixed with the process name. */
  onOutput?: (name: string, line: string) => void;
  extraCentralEnv?: Record<string, string>;
  /** What runs the edge Worker: `wrangler dev` (default) or the self-hosted `workerd serve` (./gw start-edge). */
  edgeRuntime?: EdgeRuntime;
}

export type EdgeRuntime = "wrangler" | "workerd";

export interface StackKeys {
  /** Ed25519: signs edge → central tokens when identity.hop.algorithm is EdDSA. */
  edge: IdentityKeyPair;
  /** HS256 keys shared by edge and central (EDGE_CENTRAL_KEYS), for the default hop. */
  hop: { keys: HopSecretJwk[] };
  central: IdentityKeyPair;
}

export interface RunningStack {
  urls: { edge: string; central: string; demoUsers: string; demoIssuer: string; centralAdmin: string };
  keys: StackKeys;
  /** CENTRAL_ADMIN_TOKEN of this stack's central. */
  adminToken: string;
  /** A fresh API key of the demo consumer (scripts/demo-consumer.ts). */
  demoKey: string;
  /** A fresh API key of the `trial` consumer (partner-trial plan); absent when the config has no such policy. */
  trialKey?: string;
  stop(): Promise<void>;
  /** Resolves if any process exits before stop() is called. */
  exited: Promise<{ name: string; code: number | null }>;
}

const NODE = process.execPath;

/** One process to start: the stack spawns it itself, the bench through its process registry. */
export interface Launch {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** apps/demo-issuer (dev JWKS + tokens) on host:port, its signing keys kept in keysFile. */
export function demoIssuerLaunch(options: { host: string; port: number; keysFile: string }): Launch {
  return {
    command: NODE,
    args: ["src/main.ts"],
    cwd: join(REPO_ROOT, "apps/demo-issuer"),
    env: {
      DEMO_ISSUER_PORT: String(options.port),
      DEMO_ISSUER_HOST: options.host,
      DEMO_ISSUER_KEYS_FILE: options.keysFile,
    },
  };
}

export async function loadOrCreateKeys(stateDir: string): Promise<StackKeys> {
  const file = join(stateDir, "identity-keys.json");
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, "utf8")) as Partial<StackKeys> & Omit<StackKeys, "hop">;
    if (stored.hop !== undefined) return stored as StackKeys;
    // A state folder from before the HS256 hop: add the shared key, keep the rest.
    const upgraded: StackKeys = { ...stored, hop: { keys: [generateHopSecret("edge-central-dev-1")] } };
    writeFileSync(file, JSON.stringify(upgraded, null, 2), { mode: 0o600 });
    return upgraded;
  }
  const keys: StackKeys = {
    edge: await generateIdentityKeyPair("edge-dev-1"),
    hop: { keys: [generateHopSecret("edge-central-dev-1")] },
    central: await generateIdentityKeyPair("central-dev-1"),
  };
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const { ports, stateDir } = options;
  mkdirSync(stateDir, { recursive: true });
  const keys = await loadOrCreateKeys(stateDir);
  const host = "127.0.0.1";
  const urls = {
    edge: `http://${host}:${ports.edge}`,
    central: `http://${host}:${ports.central}`,
    demoUsers: `http://${host}:${ports.demoUsers}`,
    demoIssuer: `http://${host}:${ports.demoIssuer}`,
    centralAdmin: `http://${host}:${ports.centralAdmin}`,
  };
  const consumerSecrets = loadOrCreateConsumerSecrets(stateDir);
  const configEnv = {
    ...(ports.demoOrders === undefined ? {} : { DEMO_ORDERS_ADDRESS: `${host}:${ports.demoOrders}` }),
    DEMO_USERS_URL: urls.demoUsers,
    DEV_JWKS_URL: `${urls.demoIssuer}/.well-known/jwks.json`,
  };
  const children: Array<{ name: string; child: ChildProcess }> = [];
  let stopping = false;
  let reportExit: (value: { name: string; code: number | null }) => void = () => {};
  const exited = new Promise<{ name: string; code: number | null }>((resolveExit) => {
    reportExit = resolveExit;
  });

  const launch = (name: string, { command, args, cwd, env }: Launch) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.trim() !== "") options.onOutput?.(name, line);
      }
    };
    child.stdout?.on("data", forward);
    child.stderr?.on("data", forward);
    child.on("exit", (code) => {
      if (!stopping) reportExit({ name, code });
    });
    children.push({ name, child });
  };

  const stop = async () => {
    stopping = true;
    await Promise.all(children.map(({ child }) => terminate(child)));
  };

  let demoKey = "";
  let trialKey: string | undefined;
  try {
    launch(
      "issuer",
      demoIssuerLaunch({ host, port: ports.demoIssuer, keysFile: join(stateDir, "issuer-keys.json") }),
    );
    launch("users", {
      command: NODE,
      args: ["src/main.ts"],
      cwd: join(REPO_ROOT, "apps/demo-users"),
      env: {
        DEMO_USERS_PORT: String(ports.demoUsers),
        DEMO_USERS_HOST: host,
        GATEWAY_IDENTITY_JWKS: JSON.stringify({ keys: [keys.central.publicJwk] }),
      },
    });
    if (ports.demoOrders !== undefined)
      launch("orders", {
        command: NODE,
        args: ["src/main.ts"],
        cwd: join(REPO_ROOT, "apps/demo-orders"),
        env: {
          DEMO_ORDERS_PORT: String(ports.demoOrders),
          DEMO_ORDERS_HOST: host,
          GATEWAY_IDENTITY_JWKS: JSON.stringify({ keys: [keys.central.publicJwk] }),
        },
      });
    launch("central", {
      command: NODE,
      // The flags of central's start script and image (docs/performance.md).
      args: ["--max-semi-space-size=16", "src/main.ts"],
      cwd: join(REPO_ROOT, "apps/central"),
      env: {
        ...configEnv,
        GATEWAY_CONFIG: options.configPath,
        CENTRAL_PORT: String(ports.central),
        CENTRAL_HOST: host,
        EDGE_CENTRAL_KEYS: JSON.stringify(keys.hop),
        EDGE_IDENTITY_PUBLIC_JWKS: JSON.stringify({ keys: [keys.edge.publicJwk] }),
        CENTRAL_IDENTITY_PRIVATE_JWK: JSON.stringify(keys.central.privateJwk),
        CENTRAL_ADMIN_PORT: String(ports.centralAdmin),
        ...(ports.centralMetrics === undefined ? {} : { CENTRAL_METRICS_PORT: String(ports.centralMetrics) }),
        CENTRAL_ADMIN_TOKEN: consumerSecrets.adminToken,
        API_KEY_PEPPER: consumerSecrets.pepper,
        API_KEY_ENVIRONMENT: "test",
        ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
        ...options.extraCentralEnv,
      },
    });
    await waitForHttp(`${urls.demoIssuer}/healthz`, exited);
    await waitForHttp(`${urls.demoUsers}/healthz`, exited);
    await waitForHttp(`${urls.central}/healthz`, exited);
    demoKey = await createDemoKey(urls.centralAdmin, consumerSecrets.adminToken);
    trialKey = await createTrialKey(urls.centralAdmin, consumerSecrets.adminToken);

    launch(
      "edge",
      options.edgeRuntime === "workerd"
        ? selfHostedEdgeLaunch(options, configEnv, urls.central, keys)
        : await prepareEdgeLaunch({
            host,
            port: ports.edge,
            inspectorPort: ports.edgeInspector,
            stateDir,
            configPath: options.configPath,
            configEnv,
            centralUrl: urls.central,
            edgePrivateJwk: keys.edge.privateJwk,
            edgeCentralKeys: keys.hop,
            // "log" keeps the Worker's console output (the edge access log) and drops wrangler's banners.
            logLevel: "log",
          }),
    );
    await waitForHttp(`${urls.edge}/health`, exited, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls,
    keys,
    adminToken: consumerSecrets.adminToken,
    demoKey,
    ...(trialKey === undefined ? {} : { trialKey }),
    stop,
    exited,
  };
}

/** The edge under `workerd serve` as ./gw start-edge runs it, in <stateDir>/edge-self-hosted. */
function selfHostedEdgeLaunch(
  options: StackOptions,
  configEnv: Record<string, string>,
  centralUrl: string,
  keys: StackKeys,
): Launch {
  const purgeSecret = process.env.CACHE_PURGE_SECRET;
  const { command, args, cwd, env } = prepareSelfHostedLaunch({
    host: "127.0.0.1",
    port: options.ports.edge,
    stateDir: join(options.stateDir, "edge-self-hosted"),
    configPath: options.configPath,
    configEnv,
    centralUrl,
    secrets: {
      EDGE_CENTRAL_KEYS: JSON.stringify(keys.hop),
      EDGE_IDENTITY_PRIVATE_JWK: JSON.stringify(keys.edge.privateJwk),
      ...(purgeSecret ? { CACHE_PURGE_SECRET: purgeSecret } : {}),
    },
  });
  return { command, args, cwd, env };
}

async function waitForHttp(
  url: string,
  exited: Promise<{ name: string; code: number | null }>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let early: { name: string; code: number | null } | undefined;
  void exited.then((value) => {
    early = value;
  });
  while (Date.now() < deadline) {
    if (early) throw new Error(`${early.name} exited with code ${early.code} during start-up`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 150));
  }
  throw new Error(`timed out waiting for ${url}`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const done = new Promise<void>((resolveDone) => child.once("exit", () => resolveDone()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, 5000);
  await done;
  clearTimeout(timer);
}
