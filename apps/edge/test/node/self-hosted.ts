import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HopSecretJwk } from "@gateway/identity";
import { freePort } from "@gateway/testing";
import { prepareSelfHostedLaunch } from "../../self-hosted/launch.ts";
import { type EdgeProcess, startEdgeProcess } from "./edge-process.ts";

export interface SelfHostedEdgeOptions {
  /** Folder for this instance's gateway config, bundle, workerd config and Durable Objects. */
  stateDir: string;
  /** The gateway config (YAML) to compile (--tier edge) into the Worker. */
  configYaml: string;
  centralUrl: string;
  edgeCentralKeys: { keys: HopSecretJwk[] };
  trustClientIpHeader?: boolean;
  onOutput?: (line: string) => void;
}

export type SelfHostedEdge = EdgeProcess;

/** `workerd serve` of the edge on a free port, launched as ./gw start-edge launches it (self-hosted/launch.ts). */
export async function startSelfHostedEdge(
  options: SelfHostedEdgeOptions,
  timeoutMs = 40_000,
): Promise<SelfHostedEdge> {
  mkdirSync(options.stateDir, { recursive: true });
  const configPath = join(options.stateDir, "gateway.config.yaml");
  writeFileSync(configPath, options.configYaml);
  const port = await freePort();
  const launch = prepareSelfHostedLaunch({
    host: "127.0.0.1",
    port,
    stateDir: options.stateDir,
    configPath,
    centralUrl: options.centralUrl,
    secrets: { EDGE_CENTRAL_KEYS: JSON.stringify(options.edgeCentralKeys) },
    ...(options.trustClientIpHeader ? { trustClientIpHeader: true } : {}),
  });
  return startEdgeProcess("workerd", launch, {
    port,
    timeoutMs,
    pollMs: 100,
    ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
  });
}
