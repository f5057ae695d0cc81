import { createHash } from "node:crypto";
import { readFileSync, unwatchFile, watchFile } from "node:fs";

/** How often the file is stat'ed (fs.watchFile): survives editors' rename-on-save and k8s ConfigMap symlink swaps. */
export const CONFIG_WATCH_INTERVAL_MS = 500;

function digest(path: string): string | undefined {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return undefined;
  }
}

/**
 * CENTRAL_CONFIG_WATCH=1: calls `onChange` when the config file's bytes change. A file that
 * changes back and forth, or is touched without a change, triggers nothing, so a broken file is
 * reported once, not on every poll.
 */
export function watchConfigFile(path: string, onChange: () => void): { close(): void } {
  let last = digest(path);
  const listener = () => {
    const now = digest(path);
    if (now === undefined || now === last) return;
    last = now;
    onChange();
  };
  watchFile(path, { interval: CONFIG_WATCH_INTERVAL_MS, persistent: false }, listener);
  return { close: () => unwatchFile(path, listener) };
}
