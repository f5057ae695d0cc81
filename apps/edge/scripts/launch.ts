// How `wrangler dev` of this Worker is launched with a given gateway config:
// used by ./gw dev and the end-to-end stack (scripts/stack.ts), the edge's own
// wrangler-dev tests and the benchmark, so they all run the Worker the same way.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { HopSecretJwk, IdentityKeyPair } from "@gateway/identity";
import ts from "typescript";

const NODE = process.execPath;
const EDGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** One process to start. */
export interface EdgeLaunch {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface EdgeLaunchOptions {
  host: string;
  port: number;
  inspectorPort: number;
  /** Folder for the compiled edge config, wrangler config, secrets and wrangler state. */
  stateDir: string;
  /** The gateway config to compile (--tier edge) into the Worker. */
  configPath: string;
  /** Environment the config's ${VARS} are read from while compiling. */
  configEnv: Record<string, string>;
  centralUrl: string;
  /** EDGE_IDENTITY_PRIVATE_JWK (identity.hop.algorithm EdDSA). */
  edgePrivateJwk?: IdentityKeyPair["privateJwk"];
  /** EDGE_CENTRAL_KEYS (the default HS256 hop). */
  edgeCentralKeys?: { keys: HopSecretJwk[] };
  /** wrangler's --log-level: "log" keeps the Worker's console output (the edge access log). */
  logLevel: "log" | "warn";
}

/**
 * Compiles the edge config into stateDir and returns `wrangler dev` of
 * apps/edge with it bundled in (a per-stack wrangler config and env file).
 */
export async function prepareEdgeLaunch(options: EdgeLaunchOptions): Promise<EdgeLaunch> {
  const { stateDir } = options;
  const edgeConfigFile = join(stateDir, "edge-config.json");
  await compileEdgeConfig(options.configPath, edgeConfigFile, options.configEnv);
  const edgeWranglerConfig = writeStackWranglerConfig(stateDir, edgeConfigFile, options.centralUrl);
  const edgeEnvFile = join(stateDir, "edge.env");
  const secrets = [
    ...(options.edgePrivateJwk === undefined
      ? []
      : [`EDGE_IDENTITY_PRIVATE_JWK='${JSON.stringify(options.edgePrivateJwk)}'`]),
    ...(options.edgeCentralKeys === undefined
      ? []
      : [`EDGE_CENTRAL_KEYS='${JSON.stringify(options.edgeCentralKeys)}'`]),
  ];
  // CACHE_PURGE_SECRET from the environment turns on the edge cache's purge endpoint (docs/caching.md).
  const purgeSecret = process.env.CACHE_PURGE_SECRET;
  if (purgeSecret) secrets.push(`CACHE_PURGE_SECRET='${purgeSecret.replace(/'/g, "")}'`);
  writeFileSync(edgeEnvFile, `${secrets.join("\n")}\n`, { mode: 0o600 });
  return {
    command: join(EDGE_DIR, "node_modules/.bin/wrangler"),
    args: [
      "dev",
      "--ip",
      options.host,
      "--port",
      String(options.port),
      "--config",
      edgeWranglerConfig,
      "--inspector-port",
      String(options.inspectorPort),
      "--env-file",
      edgeEnvFile,
      "--persist-to",
      join(stateDir, "wrangler-state"),
      "--show-interactive-dev-session=false",
      "--log-level",
      options.logLevel,
    ],
    cwd: EDGE_DIR,
    env: { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
  };
}

/**
 * apps/edge/wrangler.jsonc with this stack's compiled edge config bundled in
 * (the `gateway-edge-config` alias) and its central URL, so stacks side by side
 * never share a generated file.
 */
function writeStackWranglerConfig(stateDir: string, edgeConfigFile: string, centralUrl: string): string {
  const source = readFileSync(join(EDGE_DIR, "wrangler.jsonc"), "utf8");
  const parsed = ts.parseConfigFileTextToJson("wrangler.jsonc", source);
  if (parsed.error) throw new Error("apps/edge/wrangler.jsonc is not valid JSONC");
  const base = parsed.config as { main: string; vars?: Record<string, string>; $schema?: string };
  const { $schema: _schema, ...rest } = base;
  const config = {
    ...rest,
    main: join(EDGE_DIR, base.main),
    alias: { "gateway-edge-config": edgeConfigFile },
    vars: { ...base.vars, CENTRAL_URL: centralUrl },
  };
  const file = join(stateDir, "wrangler.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

async function compileEdgeConfig(configPath: string, outFile: string, env: Record<string, string>) {
  const child = spawn(
    NODE,
    [
      join(EDGE_DIR, "node_modules/@gateway/config/src/cli.ts"),
      "compile",
      "--tier",
      "edge",
      "--config",
      configPath,
      "--out",
      outFile,
    ],
    { env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit"] },
  );
  const code = await new Promise<number | null>((done) => child.on("exit", done));
  if (code !== 0) throw new Error(`edge config compile failed for ${configPath}`);
}
