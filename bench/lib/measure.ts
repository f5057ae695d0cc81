// One measured wrk run against one contestant, with the CPU the contestant's
// processes used during it.
import type { Contestant } from "../contestants/contestant.ts";
import { cpuMicros } from "./proc-stats.ts";
import type { ProcessRegistry } from "./processes.ts";
import type { Tools } from "./tools.ts";
import { type LoadResult, runWrk } from "./wrk.ts";

export interface LoadSettings {
  durationSeconds: number;
  connections: number;
  threads: number;
  /** taskset cores for wrk, undefined = not pinned. */
  loadCores: string | undefined;
  wrkScript: string;
}

export async function measureRound(
  registry: ProcessRegistry,
  tools: Tools,
  contestant: Contestant,
  settings: LoadSettings,
  durationSeconds = settings.durationSeconds,
): Promise<LoadResult & { cpuMicrosPerRequest: number }> {
  const headers = await contestant.headers();
  const pids = contestant.cpuPids();
  const cpuBefore = cpuMicros(pids);
  const result = await runWrk(registry, {
    wrkPath: tools.wrk,
    scriptPath: settings.wrkScript,
    url: contestant.url,
    headers,
    durationSeconds,
    connections: settings.connections,
    threads: settings.threads,
    ...(settings.loadCores ? { cores: settings.loadCores } : {}),
  });
  const cpuUsed = cpuMicros(pids) - cpuBefore;
  contestant.assertAlive();
  return { ...result, cpuMicrosPerRequest: result.requests > 0 ? cpuUsed / result.requests : Number.NaN };
}
