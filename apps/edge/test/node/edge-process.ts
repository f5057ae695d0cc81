import { type ChildProcess, spawn } from "node:child_process";

export interface EdgeLaunch {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface EdgeProcess {
  port: number;
  origin: string;
  stop(): Promise<void>;
}

/**
 * Runs an edge launch (wrangler dev or workerd serve) in its own process group, forwards its
 * output lines, and resolves once `/health` answers on `port`; stop() ends the whole group.
 */
export async function startEdgeProcess(
  name: string,
  launch: EdgeLaunch,
  options: { port: number; timeoutMs: number; pollMs: number; onOutput?: (line: string) => void },
): Promise<EdgeProcess> {
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
  const origin = `http://127.0.0.1:${options.port}`;
  const stop = () => terminate(child);
  try {
    await waitForHealth(name, `${origin}/health`, child, options.timeoutMs, options.pollMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: options.port, origin, stop };
}

async function waitForHealth(
  name: string,
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  pollMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, pollMs));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs} ms`);
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
