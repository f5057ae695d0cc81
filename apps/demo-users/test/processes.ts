import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { promisify } from "node:util";

const SRC = new URL("../src/", import.meta.url);
const run = promisify(execFile);

/** Runs `src/<script>` with Node; resolves stdout/stderr/exit code, never rejects on a non-zero exit. */
export async function runScript(script: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [new URL(script, SRC).pathname, ...args], {
      env: { ...process.env, ...env },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

/** Starts `src/main.ts` and waits for its "listening" log line. */
export async function startMain(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [new URL("main.ts", SRC).pathname], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`main.ts exited with ${code} before listening`);
  });
  const listening = (async () => {
    for await (const line of lines) {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === "listening" && entry.url) return entry.url;
    }
    throw new Error("main.ts closed stdout before listening");
  })();
  const url = await Promise.race([listening, exited]);
  return { child, url };
}

export async function stopWithSigterm(child: ChildProcess): Promise<number | null> {
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const [code] = await exited;
  return code as number | null;
}
