// Builds the edge Worker as it is deployed: the gateway config compiled for the edge and bundled in,
// apps/edge/wrangler.jsonc with per-environment overrides, `wrangler deploy --dry-run` for the bundle.
// Used by ./gw deploy-edge (Cloudflare) and ./gw start-edge (self-hosted workerd).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const EDGE_DIR = join(REPO_ROOT, "apps/edge");
export const WRANGLER = join(EDGE_DIR, "node_modules/.bin/wrangler");

export class EdgeBuildError extends Error {
  override name = "EdgeBuildError";
}

export function readJsonc(path: string): Record<string, unknown> {
  const parsed = ts.parseConfigFileTextToJson(path, readFileSync(path, "utf8"));
  if (parsed.error !== undefined) throw new EdgeBuildError(`${path} is not valid JSONC`);
  return parsed.config as Record<string, unknown>;
}

export interface EdgeBuildOptions {
  /** The gateway config to compile for the edge. */
  configPath: string;
  /** Where the compiled config and the generated wrangler.json go. */
  stateDir: string;
  /** Merged over apps/edge/wrangler.jsonc (an environment of infra/edge/environments.jsonc). */
  overrides?: Record<string, unknown>;
  /** Extra environment the config's ${VARS} are read from while compiling. */
  configEnv?: Record<string, string>;
}

export interface EdgeBuild {
  wranglerFile: string;
  wranglerConfig: Record<string, unknown> & { compatibility_date: string; vars?: Record<string, string> };
}

/** Compiles the config and writes the wrangler config that bundles it; throws EdgeBuildError with the reason. */
export function prepareEdgeBuild(options: EdgeBuildOptions): EdgeBuild {
  mkdirSync(options.stateDir, { recursive: true });
  const edgeConfigFile = join(options.stateDir, "edge-config.json");
  const compile = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, "packages/config/src/cli.ts"),
      "compile",
      "--tier",
      "edge",
      "--config",
      options.configPath,
      "--out",
      edgeConfigFile,
    ],
    { stdio: "inherit", env: { ...process.env, ...options.configEnv } },
  );
  if (compile.status !== 0)
    throw new EdgeBuildError(`the gateway config ${options.configPath} does not compile for the edge`);
  const { $schema: _schema, ...base } = readJsonc(join(EDGE_DIR, "wrangler.jsonc")) as {
    $schema?: string;
    main: string;
    compatibility_date: string;
    vars?: Record<string, string>;
  };
  const overrides = options.overrides ?? {};
  const wranglerConfig = {
    ...base,
    ...overrides,
    main: join(EDGE_DIR, base.main),
    alias: { "gateway-edge-config": edgeConfigFile },
    vars: { ...base.vars, ...(overrides.vars as Record<string, string> | undefined) },
  };
  const wranglerFile = join(options.stateDir, "wrangler.json");
  writeFileSync(wranglerFile, `${JSON.stringify(wranglerConfig, null, 2)}\n`);
  return { wranglerFile, wranglerConfig };
}

/** `wrangler deploy` with the build's config; with `dryRunOutdir` it only bundles (offline) into that folder. */
export function runWranglerDeploy(
  build: EdgeBuild,
  dryRunOutdir?: string,
  stdio: "inherit" | "pipe" = "inherit",
): number {
  const args = ["deploy", "--config", build.wranglerFile];
  if (dryRunOutdir !== undefined) args.push("--dry-run", "--outdir", dryRunOutdir);
  const result = spawnSync(WRANGLER, args, {
    cwd: EDGE_DIR,
    stdio,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  return result.status ?? 1;
}
