import type { ChildProcess } from "node:child_process";
import { once } from "node:events";

/** Sends SIGTERM and resolves the exit code (null when a signal ended the process). */
export async function stopWithSigterm(child: ChildProcess): Promise<number | null> {
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const [code] = await exited;
  return code as number | null;
}
