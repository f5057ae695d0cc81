// ./gw start-edge [--config file] [--state-dir dir]: the edge Worker on one's own machine under
// `workerd serve` (no wrangler at run time). Listens on EDGE_HOST:EDGE_PORT (127.0.0.1:8787),
// forwards to CENTRAL_URL; secrets come from the environment (SECRET_NAMES in launch.ts).
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readPortEnv } from "@gateway/config/env";
import { EdgeBuildError, REPO_ROOT } from "../../../scripts/edge-bundle.ts";
import { prepareSelfHostedLaunch, SECRET_NAMES, type SecretName } from "./launch.ts";

const USAGE = `usage: ./gw start-edge [--config file] [--state-dir dir] [--render-only]
  --render-only  bundle and write workerd.capnp into the state dir, binding CENTRAL_URL and the
                 secrets from workerd's environment, and exit (infra/edge/Dockerfile)
env: EDGE_HOST (127.0.0.1), EDGE_PORT (8787), CENTRAL_URL, GATEWAY_CONFIG,
     EDGE_TRUST_CLIENT_IP_HEADER=true (only behind a proxy that sets CF-Connecting-IP),
     EDGE_CACHE_MAX_ENTRIES, EDGE_CACHE_MAX_BYTES, EDGE_DURABLE_OBJECT_DIR,
     secrets: ${SECRET_NAMES.join(", ")}`;

function fail(message: string): never {
  console.error(`start-edge: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    config: { type: "string" },
    "state-dir": { type: "string" },
    "render-only": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const env = process.env;

function positiveInteger(name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) fail(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function flag(name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "" || raw === "false") return false;
  if (raw === "true") return true;
  fail(`${name} must be true or false, got "${raw}"`);
}

let port: number;
try {
  port = readPortEnv(env.EDGE_PORT, "EDGE_PORT", 8787);
} catch (error) {
  fail((error as Error).message);
}
const host = env.EDGE_HOST || "127.0.0.1";
const maxEntries = positiveInteger("EDGE_CACHE_MAX_ENTRIES");
const maxBytes = positiveInteger("EDGE_CACHE_MAX_BYTES");
const secrets: Partial<Record<SecretName, string>> = {};
for (const name of SECRET_NAMES) if (env[name]) secrets[name] = env[name];

let launch: ReturnType<typeof prepareSelfHostedLaunch>;
try {
  launch = prepareSelfHostedLaunch({
    host,
    port,
    stateDir: resolve(values["state-dir"] ?? join(REPO_ROOT, ".dev/edge-self-hosted")),
    configPath: resolve(values.config ?? env.GATEWAY_CONFIG ?? join(REPO_ROOT, "gateway.config.yaml")),
    secrets,
    ...(values["render-only"] ? { bindFromEnvironment: true } : {}),
    trustClientIpHeader: flag("EDGE_TRUST_CLIENT_IP_HEADER"),
    ...(env.CENTRAL_URL ? { centralUrl: env.CENTRAL_URL } : {}),
    ...(env.EDGE_DURABLE_OBJECT_DIR ? { durableObjectDir: resolve(env.EDGE_DURABLE_OBJECT_DIR) } : {}),
    ...(maxEntries !== undefined || maxBytes !== undefined
      ? {
          cacheLimits: {
            ...(maxEntries !== undefined ? { maxEntries } : {}),
            ...(maxBytes !== undefined ? { maxBytes } : {}),
          },
        }
      : {}),
  });
} catch (error) {
  if (error instanceof EdgeBuildError) fail(error.message);
  throw error;
}
if (values["render-only"]) {
  console.log(`start-edge: wrote ${launch.configFile} (run: workerd serve ${launch.configFile})`);
  process.exit(0);
}
console.log(`start-edge: workerd serving http://${host}:${port} (config ${launch.configFile})`);
const child = spawn(launch.command, launch.args, {
  cwd: launch.cwd,
  env: { ...env, ...launch.env },
  stdio: "inherit",
});
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal === null ? 1 : 0)));
