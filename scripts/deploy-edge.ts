// ./gw deploy-edge --env <dev|staging|production> [--config file] [--dry-run] [--outdir dir] [--state-dir dir]
// Compiles the gateway config for the edge, writes the environment's wrangler config
// (apps/edge/wrangler.jsonc + infra/edge/environments.jsonc) and runs `wrangler deploy` with it.
// --dry-run bundles without uploading (works offline) and leaves the bundle in --outdir.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { EdgeBuildError, prepareEdgeBuild, REPO_ROOT, readJsonc, runWranglerDeploy } from "./edge-bundle.ts";

const USAGE =
  "usage: ./gw deploy-edge --env <name> [--config file] [--dry-run] [--outdir dir] [--state-dir dir]";

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
const known = Object.keys(environments).join(", ");
const envName = values.env ?? fail(`--env is required (${known})\n${USAGE}`);
const overrides = environments[envName] ?? fail(`unknown environment "${envName}" (${known})`);
const configPath = resolve(
  values.config ?? process.env.GATEWAY_CONFIG ?? join(REPO_ROOT, "gateway.config.yaml"),
);
const stateDir = resolve(values["state-dir"] ?? join(REPO_ROOT, ".dev/deploy", envName));

try {
  const build = prepareEdgeBuild({ configPath, stateDir, overrides });
  const dryRun = values["dry-run"] ? resolve(values.outdir ?? join(stateDir, "dist")) : undefined;
  const edgeConfigFile = (build.wranglerConfig.alias as Record<string, string>)["gateway-edge-config"] ?? "";
  const { contractHash } = JSON.parse(readFileSync(edgeConfigFile, "utf8")) as { contractHash?: string };
  // Central shows its side at /readyz?verbose (config.contract); ./gw check --edge --central compares in full.
  console.log(
    `deploy-edge: ${envName} (${String(overrides.name)}), config ${configPath}, contract ${contractHash}${dryRun ? ", dry run" : ""}`,
  );
  process.exit(runWranglerDeploy(build, dryRun));
} catch (error) {
  if (error instanceof EdgeBuildError) fail(error.message);
  throw error;
}
