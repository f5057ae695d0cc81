import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HopSecretJwk } from "@gateway/identity";
import { freePort } from "@gateway/testing";
import { prepareSelfHostedLaunch } from "../../self-hosted/launch.ts";

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

export interface SelfHostedEdge {
  port: number;
  origin: string;
  stop(): Promise<void>;
}

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
  const child = spawn(launch.command, launch.args, {
    cwd: launch.cwd,
    env: { ...process.env, ...launch.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") options.onOutput?.(line);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  const origin = `http://127.0.0.1:${port}`;
  const stop = () => terminate(child);
  try {
    await waitForHealth(`${origin}/health`, child, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, origin, stop };
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`workerd exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error(`workerd did not answer ${url} within ${timeoutMs} ms`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
