import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ScriptResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs `script` with this Node; resolves stdout/stderr/exit code, never rejects on a non-zero exit. */
export async function runNodeScript(
  script: URL,
  args: string[],
  env: Record<string, string>,
): Promise<ScriptResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [fileURLToPath(script), ...args], {
      env: { ...process.env, ...env },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}
