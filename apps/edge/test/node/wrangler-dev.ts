import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@gateway/testing";
import ts from "typescript";

const EDGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface WranglerDevOptions {
  /** Folder for this instance's generated config, secrets and state. */
  stateDir: string;
  /** The compiled edge config (compileEdge output) to bundle in. */
  edgeConfig: unknown;
  centralUrl: string;
  edgeIdentityPrivateJwk: object;
  /** Output lines, for debugging a failed start. */
  onOutput?: (line: string) => void;
}

export interface WranglerDev {
  port: number;
  origin: string;
  stop(): Promise<void>;
}

/**
 * `wrangler dev --ip 127.0.0.1` of apps/edge on free ports, with wrangler.jsonc
 * copied into a per-instance config (own edge config alias and CENTRAL_URL), as
 * scripts/stack.ts does. stop() kills the whole process group.
 */
export async function startWranglerDev(
  options: WranglerDevOptions,
  timeoutMs = 40_000,
): Promise<WranglerDev> {
  mkdirSync(options.stateDir, { recursive: true });
  const edgeConfigFile = join(options.stateDir, "edge-config.json");
  writeFileSync(edgeConfigFile, JSON.stringify(options.edgeConfig));
  const configFile = writeWranglerConfig(options.stateDir, edgeConfigFile, options.centralUrl);
  const envFile = join(options.stateDir, "edge.env");
  writeFileSync(envFile, `EDGE_IDENTITY_PRIVATE_JWK='${JSON.stringify(options.edgeIdentityPrivateJwk)}'\n`, {
    mode: 0o600,
  });
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const child = spawn(
    join(EDGE_DIR, "node_modules/.bin/wrangler"),
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--config",
      configFile,
      "--env-file",
      envFile,
      "--persist-to",
      join(options.stateDir, "wrangler-state"),
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    ],
    {
      cwd: EDGE_DIR,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        CI: "true",
        XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? join(options.stateDir, "xdg"),
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
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

function writeWranglerConfig(stateDir: string, edgeConfigFile: string, centralUrl: string): string {
  const source = readFileSync(join(EDGE_DIR, "wrangler.jsonc"), "utf8");
  const parsed = ts.parseConfigFileTextToJson("wrangler.jsonc", source);
  if (parsed.error) throw new Error("apps/edge/wrangler.jsonc is not valid JSONC");
  const { $schema: _schema, ...base } = parsed.config as {
    main: string;
    vars?: Record<string, string>;
    $schema?: string;
  };
  const config = {
    ...base,
    main: join(EDGE_DIR, base.main),
    alias: { "gateway-edge-config": edgeConfigFile },
    vars: { ...base.vars, CENTRAL_URL: centralUrl },
  };
  const file = join(stateDir, "wrangler.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
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
