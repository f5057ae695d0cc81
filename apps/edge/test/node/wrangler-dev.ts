import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HopSecretJwk, IdentityKeyPair } from "@gateway/identity";
import { freePort } from "@gateway/testing";
import { prepareEdgeLaunch } from "../../scripts/launch.ts";
import { type EdgeProcess, startEdgeProcess } from "./edge-process.ts";

export interface WranglerDevOptions {
  /** Folder for this instance's gateway config, generated wrangler config, secrets and state. */
  stateDir: string;
  /** The gateway config (YAML) to compile (--tier edge) into the Worker. */
  configYaml: string;
  centralUrl: string;
  edgeIdentityPrivateJwk?: IdentityKeyPair["privateJwk"];
  /** EDGE_CENTRAL_KEYS (the default HS256 hop). */
  edgeCentralKeys?: { keys: HopSecretJwk[] };
  /** Output lines, for debugging a failed start. */
  onOutput?: (line: string) => void;
}

export type WranglerDev = EdgeProcess;

/**
 * `wrangler dev --ip 127.0.0.1` of apps/edge on free ports, launched exactly as
 * ./gw dev launches it (scripts/launch.ts, prepareEdgeLaunch: own compiled edge config,
 * wrangler config and CENTRAL_URL). stop() kills the whole process group.
 */
export async function startWranglerDev(
  options: WranglerDevOptions,
  timeoutMs = 40_000,
): Promise<WranglerDev> {
  mkdirSync(options.stateDir, { recursive: true });
  const configPath = join(options.stateDir, "gateway.config.yaml");
  writeFileSync(configPath, options.configYaml);
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const launch = await prepareEdgeLaunch({
    host: "127.0.0.1",
    port,
    inspectorPort,
    stateDir: options.stateDir,
    configPath,
    configEnv: {},
    centralUrl: options.centralUrl,
    ...(options.edgeIdentityPrivateJwk === undefined
      ? {}
      : { edgePrivateJwk: options.edgeIdentityPrivateJwk }),
    ...(options.edgeCentralKeys === undefined ? {} : { edgeCentralKeys: options.edgeCentralKeys }),
    logLevel: "warn",
  });
  return startEdgeProcess(
    "wrangler dev",
    {
      ...launch,
      env: { ...launch.env, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? join(options.stateDir, "xdg") },
    },
    {
      port,
      timeoutMs,
      pollMs: 200,
      ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
    },
  );
}
