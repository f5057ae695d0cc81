import { type ChildProcess, spawn } from "node:child_process";

const READY = "Ready to accept connections";

/**
 * Spawns redis-server on 127.0.0.1:`port` without persistence and resolves
 * once it logs that it accepts connections; rejects if it exits first (for
 * example because another process took the port).
 */
export function launchRedisServer(binary: string, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      binary,
      [
        ...["--port", String(port), "--bind", "127.0.0.1"],
        ...["--save", "", "--appendonly", "no", "--protected-mode", "no"],
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    const onData = (data: Buffer) => {
      output += data.toString();
      if (!output.includes(READY)) return;
      child.stdout?.off("data", onData);
      child.off("exit", onEarlyExit);
      // keep draining, or redis blocks once the pipe buffer is full
      child.stdout?.resume();
      resolve(child);
    };
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) =>
      reject(new Error(`redis-server exited (${code ?? signal}) before ready: ${output.slice(-500)}`));
    child.stdout?.on("data", onData);
    child.stderr?.resume();
    child.once("error", reject);
    child.once("exit", onEarlyExit);
  });
}
