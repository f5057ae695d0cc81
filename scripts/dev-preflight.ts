// Checks made before `./gw dev` starts or writes anything, so a second stack
// never half-starts next to the first or rewrites its files.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export interface PortClaim {
  /** What listens there, e.g. "edge". */
  name: string;
  port: number;
  /** The environment variable that moves it. */
  env: string;
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** The first claim whose port cannot be bound on host (taken by another process), else undefined. */
export async function firstBusyPort(
  host: string,
  claims: readonly PortClaim[],
): Promise<PortClaim | undefined> {
  for (const claim of claims) {
    if (!(await isFree(host, claim.port))) return claim;
  }
  return undefined;
}

export function busyPortMessage(claim: PortClaim): string {
  return `port ${claim.port} (${claim.name}) is already in use, perhaps by another ./gw dev; set ${claim.env} to another port`;
}

const LOCK_FILE = "gw-dev.pid";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Marks stateDir as used by this process (a pid file). Returns the pid of
 * another live `./gw dev` that holds it instead; a stale file is taken over.
 */
export function claimStateDir(stateDir: string): { ok: true; release(): void } | { ok: false; pid: number } {
  const file = join(stateDir, LOCK_FILE);
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) return { ok: false, pid };
    writeFileSync(file, `${process.pid}\n`);
  }
  return { ok: true, release: () => rmSync(file, { force: true }) };
}
