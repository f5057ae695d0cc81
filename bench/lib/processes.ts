// Every child the bench starts goes through here, so one registry can tear
// them all down: at the end, on error, on Ctrl-C, and (synchronously, with
// SIGKILL) when the bench process exits for any other reason.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Last lines of stdout/stderr, for error reports. */
  output(): string;
  /** File holding the child's stdout and stderr. */
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<string>;
  /** True once the process has exited. */
  hasExited(): boolean;
}

export interface SpawnOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Prefix the command with `taskset -c <cores>` when taskset exists. */
  cores?: string;
}

/** A process started elsewhere (e.g. @gateway/testing's redis-server) that the registry tears down too. */
export interface AdoptedProcess {
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ProcessRegistry {
  spawn(name: string, command: string, args: string[], options?: SpawnOptions): Child;
  /** Stops `process` with the others: in stopAll(), and with SIGKILL when the bench exits. */
  adopt(process: AdoptedProcess): void;
  stop(child: Child, signal?: NodeJS.Signals): Promise<void>;
  stopAll(): Promise<void>;
  /** Failing children: throws with the child's last output when it has exited. */
  assertAlive(child: Child): void;
}

const OUTPUT_TAIL_LINES = 40;
const KILL_AFTER_MS = 5000;

/**
 * Children write stdout/stderr to a file in `logDir`, not a pipe: a busy
 * server's access log then costs the bench process nothing.
 */
export function createProcessRegistry(deps: {
  tasksetPath: string | undefined;
  logDir: string;
}): ProcessRegistry {
  const live = new Set<Child>();
  const adopted = new Set<AdoptedProcess>();
  let spawned = 0;

  const killGroup = (pid: number, signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // group already gone
    }
  };
  process.on("exit", () => {
    for (const child of live) killGroup(child.pid, "SIGKILL");
    // kill() sends the signal synchronously; its promise cannot settle any more, and need not.
    for (const other of adopted) void other.kill("SIGKILL");
  });

  const registry: ProcessRegistry = {
    spawn(name, command, args, options = {}) {
      const pinned = options.cores !== undefined && deps.tasksetPath !== undefined;
      const file = pinned ? (deps.tasksetPath as string) : command;
      const argv = pinned ? ["-c", options.cores as string, command, ...args] : args;
      spawned++;
      const logFile = join(deps.logDir, `${String(spawned).padStart(3, "0")}-${name}.log`);
      const fd = openSync(logFile, "a");
      const notes: string[] = [];
      let exitedFlag = false;
      let proc: ChildProcess;
      try {
        proc = spawn(file, argv, {
          cwd: options.cwd,
          env: { ...process.env, ...options.env },
          stdio: ["ignore", fd, fd],
          // Own process group: teardown reaches grandchildren (workerd under wrangler).
          detached: true,
        });
      } finally {
        closeSync(fd);
      }
      const output = () => {
        let text = "";
        try {
          text = readFileSync(logFile, "utf8");
        } catch {
          // no output yet
        }
        const lines = [...text.split("\n").filter((line) => line.trim() !== ""), ...notes];
        return lines.slice(-OUTPUT_TAIL_LINES).join("\n");
      };
      const exited = new Promise<string>((resolve) => {
        proc.on("error", (error) => {
          exitedFlag = true;
          notes.push(`spawn failed: ${error.message}`);
          resolve("spawn-error");
        });
        proc.on("exit", (code, signal) => {
          exitedFlag = true;
          resolve(signal ?? String(code));
        });
      });
      if (proc.pid === undefined) {
        throw new Error(`${name}: could not start ${command} (is it installed and executable?)`);
      }
      const child: Child = {
        name,
        pid: proc.pid,
        process: proc,
        output,
        logFile,
        exited,
        hasExited: () => exitedFlag,
      };
      live.add(child);
      void exited.then(() => live.delete(child));
      return child;
    },

    adopt(other) {
      adopted.add(other);
    },

    async stop(child, signal = "SIGTERM") {
      if (child.hasExited()) {
        live.delete(child);
        return;
      }
      killGroup(child.pid, signal);
      const timer = setTimeout(() => killGroup(child.pid, "SIGKILL"), KILL_AFTER_MS);
      await child.exited;
      clearTimeout(timer);
      // Leftovers in the group (e.g. workerd) die with the leader.
      killGroup(child.pid, "SIGKILL");
      live.delete(child);
    },

    async stopAll() {
      const others = [...adopted];
      adopted.clear();
      await Promise.all([
        ...[...live].map((child) => registry.stop(child)),
        ...others.map((other) => other.kill()),
      ]);
    },

    assertAlive(child) {
      if (child.hasExited()) {
        throw new Error(`${child.name} exited unexpectedly. Last output:\n${indent(child.output())}`);
      }
    },
  };
  return registry;
}

export function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
