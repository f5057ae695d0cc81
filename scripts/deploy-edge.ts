// ./gw deploy-edge --env <dev|staging|production> [--config file] [--dry-run] [--outdir dir] [--state-dir dir]
// Compiles the gateway config for the edge, writes the environment's wrangler config
// (apps/edge/wrangler.jsonc + infra/edge/environments.jsonc) and runs `wrangler deploy` with it.
// --dry-run bundles without uploading (works offline) and leaves the bundle in --outdir.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import ts from "typescript";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const EDGE_DIR = join(REPO_ROOT, "apps/edge");
const USAGE =
  "usage: ./gw deploy-edge --env <name> [--config file] [--dry-run] [--outdir dir] [--state-dir dir]";

function readJsonc(path: string): Record<string, unknown> {
  const parsed = ts.parseConfigFileTextToJson(path, readFileSync(path, "utf8"));
  if (parsed.error !== undefined) throw new Error(`${path} is not valid JSONC`);
  return parsed.config as Record<string, unknown>;
}

function fail(message: string): never {
  console.error(`deploy-edge: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    env: { type: "string" },
    config: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    outdir: { type: "string" },
    "state-dir": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const environments = readJsonc(join(REPO_ROOT, "infra/edge/environments.jsonc")) as Record<
  string,
  Record<string, unknown>
>;
const envName = values.env ?? fail(`--env is required (${Object.keys(environments).join(", ")})\n${USAGE}`);
const overrides =
  environments[envName] ?? fail(`unknown environment "${envName}" (${Object.keys(environments).join(", ")})`);
const configPath = resolve(
  values.config ?? process.env.GATEWAY_CONFIG ?? join(REPO_ROOT, "gateway.config.yaml"),
);
const stateDir = resolve(values["state-dir"] ?? join(REPO_ROOT, ".dev/deploy", envName));
mkdirSync(stateDir, { recursive: true });

const edgeConfigFile = join(stateDir, "edge-config.json");
const compile = spawnSync(
  process.execPath,
  [
    join(REPO_ROOT, "packages/config/src/cli.ts"),
    "compile",
    "--tier",
    "edge",
    "--config",
    configPath,
    "--out",
    edgeConfigFile,
  ],
  { stdio: "inherit" },
);
if (compile.status !== 0) fail(`the gateway config ${configPath} does not compile for the edge`);

const { $schema: _schema, ...base } = readJsonc(join(EDGE_DIR, "wrangler.jsonc")) as {
  main: string;
  vars?: object;
};
const wranglerConfig = {
  ...base,
  ...overrides,
  main: join(EDGE_DIR, base.main),
  alias: { "gateway-edge-config": edgeConfigFile },
  vars: { ...base.vars, ...(overrides.vars as object | undefined) },
};
const wranglerFile = join(stateDir, "wrangler.json");
writeFileSync(wranglerFile, `${JSON.stringify(wranglerConfig, null, 2)}\n`);

const args = ["deploy", "--config", wranglerFile];
if (values["dry-run"]) args.push("--dry-run", "--outdir", resolve(values.outdir ?? join(stateDir, "dist")));
console.log(
  `deploy-edge: ${envName} (${String(overrides.name ?? "gateway-edge")}), config ${configPath}${values["dry-run"] ? ", dry run" : ""}`,
);
const deploy = spawnSync(join(EDGE_DIR, "node_modules/.bin/wrangler"), args, {
  cwd: EDGE_DIR,
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
process.exit(deploy.status ?? 1);
