// How the self-hosted edge is launched: the Worker bundled as `wrangler deploy` bundles it, and a
// generated workerd config (workerd-config.ts) that `workerd serve` runs with no wrangler at run
// time. Used by ./gw start-edge (start.ts), the end-to-end stack (scripts/stack.ts) and the tests.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  EDGE_DIR,
  EdgeBuildError,
  prepareEdgeBuild,
  runWranglerDeploy,
} from "../../../scripts/edge-bundle.ts";
import { renderWorkerdConfig, type WranglerEdgeConfig } from "./workerd-config.ts";

/** Every secret the edge Worker reads (apps/edge/src/env.ts): bound from workerd's environment, never written to disk. */
export const SECRET_NAMES = ["EDGE_CENTRAL_KEYS", "EDGE_IDENTITY_PRIVATE_JWK", "CACHE_PURGE_SECRET"] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export const WORKERD = join(EDGE_DIR, "node_modules/.bin/workerd");

export interface SelfHostedLaunchOptions {
  host: string;
  port: number;
  /** Folder for the compiled config, the bundle, the workerd config and Durable Object storage. */
  stateDir: string;
  /** The gateway config to compile (--tier edge) into the Worker. */
  configPath: string;
  /** Environment the config's ${VARS} are read from while compiling. */
  configEnv?: Record<string, string>;
  /** Overrides CENTRAL_URL from wrangler.jsonc. */
  centralUrl?: string;
  /** Secret values; those absent are not bound (the Worker says which one it misses). */
  secrets: Partial<Record<SecretName, string>>;
  /**
   * For an image built once (infra/edge/Dockerfile): bind CENTRAL_URL and every secret from the
   * environment workerd is started in, and check none of them now.
   */
  bindFromEnvironment?: boolean;
  /** Where Durable Objects keep their SQLite files (default <stateDir>/durable-objects). */
  durableObjectDir?: string;
  /** Keep a client's CF-Connecting-IP: only behind a trusted proxy that sets it (docs/scaling.md). */
  trustClientIpHeader?: boolean;
  cacheLimits?: { maxEntries?: number; maxBytes?: number };
  /** stdio of the bundling step ("pipe" keeps wrangler's output out of the caller's). */
  bundleOutput?: "inherit" | "pipe";
}

export interface SelfHostedLaunch {
  command: string;
  args: string[];
  cwd: string;
  /** Only the secrets; the caller merges it over its own environment. */
  env: Record<string, string>;
  configFile: string;
}

/** Hop secret the compiled config's identity.hop.algorithm needs. */
function requiredHopSecret(edgeConfigFile: string): SecretName {
  const compiled = JSON.parse(readFileSync(edgeConfigFile, "utf8")) as {
    identity?: { hop?: { algorithm?: string } };
  };
  return compiled.identity?.hop?.algorithm === "EdDSA" ? "EDGE_IDENTITY_PRIVATE_JWK" : "EDGE_CENTRAL_KEYS";
}

/** Compiles and bundles the Worker and writes workerd.capnp; throws EdgeBuildError with the reason. */
export function prepareSelfHostedLaunch(options: SelfHostedLaunchOptions): SelfHostedLaunch {
  const { stateDir } = options;
  const build = prepareEdgeBuild({
    configPath: options.configPath,
    stateDir,
    ...(options.configEnv ? { configEnv: options.configEnv } : {}),
  });
  const needed = requiredHopSecret(join(stateDir, "edge-config.json"));
  if (!options.bindFromEnvironment && !options.secrets[needed])
    throw new EdgeBuildError(`${needed} is not set (the identity.hop.algorithm of the config needs it)`);
  if (runWranglerDeploy(build, join(stateDir, "bundle"), options.bundleOutput ?? "pipe") !== 0)
    throw new EdgeBuildError("wrangler could not bundle the edge Worker");
  for (const file of ["ratelimit-binding.js", "cache-service.js"])
    copyFileSync(join(EDGE_DIR, "self-hosted", file), join(stateDir, file));
  const durableObjectDir = options.durableObjectDir ?? join(stateDir, "durable-objects");
  mkdirSync(durableObjectDir, { recursive: true });
  const secretNames = options.bindFromEnvironment
    ? [...SECRET_NAMES]
    : SECRET_NAMES.filter((name) => options.secrets[name]);
  const configFile = join(stateDir, "workerd.capnp");
  writeFileSync(
    configFile,
    renderWorkerdConfig({
      wrangler: build.wranglerConfig as unknown as WranglerEdgeConfig,
      bundleFile: "bundle/index.js",
      rateLimitModuleFile: "ratelimit-binding.js",
      cacheModuleFile: "cache-service.js",
      address: `${options.host}:${options.port}`,
      secretNames,
      durableObjectDir,
      ...(options.trustClientIpHeader ? { trustClientIpHeader: true } : {}),
      ...(options.cacheLimits ? { cacheLimits: options.cacheLimits } : {}),
      ...(options.bindFromEnvironment ? { centralUrlFromEnvironment: true } : {}),
      ...(options.centralUrl ? { vars: { CENTRAL_URL: options.centralUrl } } : {}),
    }),
  );
  const env: Record<string, string> = {};
  for (const name of secretNames) env[name] = options.secrets[name] as string;
  return { command: WORKERD, args: ["serve", configFile], cwd: stateDir, env, configFile };
}
