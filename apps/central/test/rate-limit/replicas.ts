import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { RateLimitPolicy } from "@gateway/types";

export interface Replica {
  base: string;
  skewMs: number;
  stderr: string[];
  stop(): Promise<void>;
}

const REPLICA_SCRIPT = new URL("./replica.ts", import.meta.url);

/** Starts test/rate-limit/replica.ts as a separate Node process and waits for its port. */
export async function startReplica(
  redisUrl: string,
  policies: RateLimitPolicy[],
  skewMs: number,
): Promise<Replica> {
  const child = spawn(process.execPath, [REPLICA_SCRIPT.pathname], {
    env: { ...process.env, REDIS_URL: redisUrl, POLICIES: JSON.stringify(policies), SKEW_MS: String(skewMs) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => stderr.push(line));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica did not start: ${stderr.join("\n")}`)), 15_000);
    child.once("exit", (code) => reject(new Error(`replica exited with ${code}: ${stderr.join("\n")}`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  return {
    base: `http://127.0.0.1:${port}`,
    skewMs,
    stderr,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}
