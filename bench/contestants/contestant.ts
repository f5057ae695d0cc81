import type { ProcessRegistry } from "../lib/processes.ts";
import type { Tools } from "../lib/tools.ts";

/** A running server under test. */
export interface Contestant {
  id: string;
  label: string;
  /** Full URL wrk requests (the path every contestant serves). */
  url: string;
  /** Headers for one round; called before each round so short-lived tokens stay fresh. */
  headers(): Promise<Record<string, string>>;
  /**
   * Set when every request needs its own value of a header (central with
   * replay protection on rejects a reused identity token): the load
   * generators send `values[i]` with request i and never reuse one.
   */
  singleUseHeader?: SingleUseHeader;
  /** Processes whose CPU time counts for this contestant (descendants included). */
  cpuPids(): number[];
  /** The same CPU split by part (e.g. edge and central), each part's processes with descendants. */
  cpuParts?(): Record<string, number[]>;
  /** The process whose RSS the soak mode samples. */
  rssPid(): number;
  /** Throws, with the process's last output, if a process of the contestant has died. */
  assertAlive(): void;
  stop(): Promise<void>;
}

export interface SingleUseHeader {
  name: string;
  /** `count` fresh values, each good for one request. */
  mint(count: number): Promise<string[]>;
}

export interface BenchContext {
  registry: ProcessRegistry;
  tools: Tools;
  /** Folder for generated configs, keys and logs; removed at the end. */
  tmpDir: string;
  upstreamUrl: string;
  /** The static upstream's process (the "direct" contestant measures it). */
  upstreamPid: number;
  redisUrl: string;
  /** Request path every contestant is benchmarked on. */
  path: string;
  /** Cores for servers under test (taskset -c), undefined = not pinned. */
  serverCores: string | undefined;
  log(line: string): void;
  /** Extra node flags for central (used by --profile). */
  centralNodeFlags: string[];
}

export interface ContestantDefinition {
  id: string;
  label: string;
  start(context: BenchContext): Promise<Contestant>;
}

/** Thrown by start() when a contestant cannot run here; the bench goes on without it. */
export class SkipContestant extends Error {
  override name = "SkipContestant";
}
