import type { ChildProcess } from "node:child_process";
import { runNodeScript, type ScriptResult } from "./run-node-script.ts";
import { type ListeningProcess, startListeningScript } from "./start-listening-script.ts";
import { stopWithSigterm } from "./stop-with-sigterm.ts";

export interface NodeScripts {
  /** Runs `<srcFolder>/<script>`; resolves stdout/stderr/exit code, never rejects on a non-zero exit. */
  runScript(script: string, args: string[], env: Record<string, string>): Promise<ScriptResult>;
  /** Starts `<srcFolder>/main.ts` and waits for its "listening" log line. */
  startMain(env: Record<string, string>): Promise<ListeningProcess>;
  stopWithSigterm(child: ChildProcess): Promise<number | null>;
}

/** Process helpers for an app whose scripts live in `srcFolder` (a folder URL ending in "/"). */
export function nodeScriptsIn(srcFolder: URL): NodeScripts {
  return {
    runScript: (script, args, env) => runNodeScript(new URL(script, srcFolder), args, env),
    startMain: (env) => startListeningScript(new URL("main.ts", srcFolder), env),
    stopWithSigterm,
  };
}
