import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HopSecretJwk, IdentityKeyPair } from "@gateway/identity";
import { freePort } from "@gateway/testing";
import { prepareEdgeLaunch } from "../../scripts/launch.ts";

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

export interface WranglerDev {
  port: number;
  origin: string;
  stop(): Promise<void>;
}

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
  const child = spawn(launch.command, launch.args, {
    cwd: launch.cwd,
    env: {
      ...process.env,
      ...launch.env,
      XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? join(options.stateDir, "xdg"),
    },
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
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
  throw new Error(`wrangler dev did not answer ${url} within ${timeoutMs} ms`);
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
