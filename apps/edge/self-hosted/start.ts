// ./gw start-edge [--config file] [--state-dir dir]: the edge Worker on one's own machine under
// `workerd serve` (no wrangler at run time). Listens on EDGE_HOST:EDGE_PORT (127.0.0.1:8787),
// forwards to CENTRAL_URL; secrets come from the environment (see SECRET_NAMES).
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readPortEnv } from "@gateway/config/env";
import {
  EDGE_DIR,
  EdgeBuildError,
  prepareEdgeBuild,
  REPO_ROOT,
  runWranglerDeploy,
} from "../../../scripts/edge-bundle.ts";
import { renderWorkerdConfig, type WranglerEdgeConfig } from "./workerd-config.ts";

/** The Worker's secrets: bound from the environment workerd starts in, never written to disk. */
export const SECRET_NAMES = ["EDGE_IDENTITY_PRIVATE_JWK"] as const;
const USAGE =
  "usage: ./gw start-edge [--config file] [--state-dir dir]   (env: EDGE_HOST, EDGE_PORT, CENTRAL_URL, secrets)";

function fail(message: string): never {
  console.error(`start-edge: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    config: { type: "string" },
    "state-dir": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const env = process.env;
let port: number;
try {
  port = readPortEnv(env.EDGE_PORT, "EDGE_PORT", 8787);
} catch (error) {
  fail((error as Error).message);
}
const host = env.EDGE_HOST || "127.0.0.1";
const configPath = resolve(values.config ?? env.GATEWAY_CONFIG ?? join(REPO_ROOT, "gateway.config.yaml"));
const stateDir = resolve(values["state-dir"] ?? join(REPO_ROOT, ".dev/edge-self-hosted"));
for (const name of SECRET_NAMES) if (!env[name]) fail(`${name} is not set (a secret the edge Worker needs)`);

let wrangler: WranglerEdgeConfig;
const bundleDir = join(stateDir, "bundle");
try {
  const build = prepareEdgeBuild({ configPath, stateDir });
  if (runWranglerDeploy(build, bundleDir, "pipe") !== 0) fail("wrangler could not bundle the edge Worker");
  wrangler = build.wranglerConfig as unknown as WranglerEdgeConfig;
} catch (error) {
  if (error instanceof EdgeBuildError) fail(error.message);
  throw error;
}
copyFileSync(join(EDGE_DIR, "self-hosted/ratelimit-binding.js"), join(stateDir, "ratelimit-binding.js"));
const durableObjectDir = join(stateDir, "durable-objects");
mkdirSync(durableObjectDir, { recursive: true });
const configFile = join(stateDir, "workerd.capnp");
writeFileSync(
  configFile,
  renderWorkerdConfig({
    wrangler,
    bundleFile: "bundle/index.js",
    rateLimitModuleFile: "ratelimit-binding.js",
    address: `${host}:${port}`,
    secretNames: SECRET_NAMES,
    durableObjectDir,
    ...(env.CENTRAL_URL ? { vars: { CENTRAL_URL: env.CENTRAL_URL } } : {}),
  }),
);
console.log(`start-edge: workerd serving http://${host}:${port} (config ${configFile})`);
const child = spawn(join(EDGE_DIR, "node_modules/.bin/workerd"), ["serve", configFile], {
  cwd: stateDir,
  stdio: "inherit",
});
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal === null ? 1 : 0)));
