// Finds the external programs the bench needs. When one is missing and we run
// as root with apt-get available, it installs them (saying so); otherwise it
// stops with the command to run.
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { join } from "node:path";

export interface Tools {
  wrk: string;
  nginx: string;
  redisServer: string;
  /** Absent on systems without util-linux taskset: then nothing is pinned. */
  taskset: string | undefined;
}

const INSTALL_HINT = "apt-get install -y wrk nginx-light redis-server";
const SEARCH_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), ...SEARCH_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function lookup(): Partial<Tools> & { taskset: string | undefined } {
  return {
    wrk: findExecutable("wrk"),
    nginx: findExecutable("nginx"),
    redisServer: findExecutable("redis-server"),
    taskset: findExecutable("taskset"),
  };
}

function missingOf(found: Partial<Tools>): string[] {
  const missing: string[] = [];
  if (!found.wrk) missing.push("wrk");
  if (!found.nginx) missing.push("nginx");
  if (!found.redisServer) missing.push("redis-server");
  return missing;
}

export function requireTools(log: (line: string) => void): Tools {
  let found = lookup();
  let missing = missingOf(found);
  const apt = findExecutable("apt-get");
  if (missing.length > 0 && process.getuid?.() === 0 && apt) {
    log(`missing ${missing.join(", ")}: running as root, so: ${INSTALL_HINT}`);
    try {
      execFileSync(apt, ["install", "-y", "wrk", "nginx-light", "redis-server"], { stdio: "inherit" });
    } catch (error) {
      log(`apt-get failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    found = lookup();
    missing = missingOf(found);
  }
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(", ")}. Install with: ${INSTALL_HINT}`);
  }
  return found as Tools;
}
