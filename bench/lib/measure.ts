// One measured wrk run against one contestant, with the CPU the contestant's
// processes used during it.
import { join } from "node:path";
import type { Contestant } from "../contestants/contestant.ts";
import { cpuMicros } from "./proc-stats.ts";
import type { ProcessRegistry } from "./processes.ts";
import { closedLoopValueCount, writeSingleUseValues, writeSingleUseWrkScript } from "./single-use-values.ts";
import type { Tools } from "./tools.ts";
import { type LoadResult, runWrk } from "./wrk.ts";

export interface LoadSettings {
  durationSeconds: number;
  connections: number;
  threads: number;
  /** taskset cores for wrk, undefined = not pinned. */
  loadCores: string | undefined;
  wrkScript: string;
  /** Folder for per-round files (single-use header values, the combined wrk script). */
  workDir: string;
}

export async function measureRound(
  registry: ProcessRegistry,
  tools: Tools,
  contestant: Contestant,
  settings: LoadSettings,
  durationSeconds = settings.durationSeconds,
): Promise<LoadResult & { cpuMicrosPerRequest: number; cpuPartsMicrosPerRequest?: Record<string, number> }> {
  const headers = await contestant.headers();
  const single = contestant.singleUseHeader;
  let scriptPath = settings.wrkScript;
  let singleUseHeader: { name: string; valuesFile: string } | undefined;
  if (single) {
    // Signed before the CPU snapshot: minting is the load generator's work, not the contestant's.
    const valuesFile = join(settings.workDir, `single-use-${contestant.id.replace(/[^\w-]/g, "_")}.txt`);
    await writeSingleUseValues(single, closedLoopValueCount(durationSeconds), valuesFile);
    scriptPath = writeSingleUseWrkScript(settings.workDir, settings.wrkScript);
    singleUseHeader = { name: single.name, valuesFile };
  }
  const pids = contestant.cpuPids();
  const parts = Object.entries(contestant.cpuParts?.() ?? {});
  const cpuBefore = cpuMicros(pids);
  const partsBefore = parts.map(([, partPids]) => cpuMicros(partPids));
  const result = await runWrk(registry, {
    wrkPath: tools.wrk,
    scriptPath,
    url: contestant.url,
    headers,
    durationSeconds,
    connections: settings.connections,
    threads: settings.threads,
    ...(settings.loadCores ? { cores: settings.loadCores } : {}),
    ...(singleUseHeader ? { singleUseHeader } : {}),
  });
  const cpuUsed = cpuMicros(pids) - cpuBefore;
  const perRequest = (micros: number) => (result.requests > 0 ? micros / result.requests : Number.NaN);
  const cpuPartsMicrosPerRequest = Object.fromEntries(
    parts.map(([name, partPids], i) => [name, perRequest(cpuMicros(partPids) - (partsBefore[i] ?? 0))]),
  );
  contestant.assertAlive();
  return {
    ...result,
    cpuMicrosPerRequest: perRequest(cpuUsed),
    ...(parts.length === 0 ? {} : { cpuPartsMicrosPerRequest }),
  };
}
