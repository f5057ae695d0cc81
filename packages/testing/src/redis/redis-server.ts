import type { ChildProcess } from "node:child_process";
import { freePort } from "../ports/free-port.ts";
import { launchRedisServer } from "./launch-redis.ts";
import { findRedisServerBinary } from "./redis-binary.ts";

export interface RedisServerHandle {
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Sends `signal` (default SIGTERM) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts a fresh redis-server on the same port (after kill). */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers. */
  pause(): void;
  /** Thaws a paused process (SIGCONT). */
  resume(): void;
}

export interface RedisServerOptions {
  /** Path of redis-server; default: the one on $PATH, else /usr/bin/redis-server. */
  binary?: string;
  /** Fresh ports to try when another process takes the free one first. */
  attempts?: number;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** A private redis-server on a free port, without persistence. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const binary = options.binary ?? findRedisServerBinary();
  const attempts = options.attempts ?? 3;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = await freePort();
    try {
      const child = await launchRedisServer(binary, port);
      return handleFor(binary, port, child);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function handleFor(binary: string, port: number, first: ChildProcess): RedisServerHandle {
  let child = first;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill(signal = "SIGTERM") {
      if (hasExited(child)) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill(signal);
      await exited;
    },
    async restart() {
      child = await launchRedisServer(binary, port);
    },
    pause: () => child.kill("SIGSTOP"),
    resume: () => child.kill("SIGCONT"),
  };
}
