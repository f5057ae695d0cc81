import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface ListeningProcess {
  child: ChildProcess;
  url: string;
}

/**
 * Starts `script` with this Node and waits for its JSON log line
 * `{"msg":"listening","url":...}` on stdout; stderr goes to ours.
 */
export async function startListeningScript(
  script: URL,
  env: Record<string, string>,
): Promise<ListeningProcess> {
  const name = script.pathname.split("/").at(-1);
  const child = spawn(process.execPath, [fileURLToPath(script)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`${name} exited with ${code} before listening`);
  });
  const listening = (async () => {
    for await (const line of lines) {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === "listening" && entry.url) return entry.url;
    }
    throw new Error(`${name} closed stdout before listening`);
  })();
  const url = await Promise.race([listening, exited]);
  return { child, url };
}
