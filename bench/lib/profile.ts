// --profile: one round against central started with --cpu-prof, then the
// top self-time functions. Node writes the profile when central exits
// normally, which central does on SIGTERM (graceful shutdown).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Contestant } from "../contestants/contestant.ts";
import { topSelfTime } from "./cpuprofile.ts";
import { type LoadSettings, measureRound } from "./measure.ts";
import type { ProcessRegistry } from "./processes.ts";
import type { Tools } from "./tools.ts";

export function cpuProfileFlags(dir: string): string[] {
  return ["--cpu-prof", "--cpu-prof-dir", dir];
}

export async function profileRound(
  registry: ProcessRegistry,
  tools: Tools,
  contestant: Contestant,
  settings: LoadSettings,
  options: {
    profileDir: string;
    repoRoot: string;
    stopContestant: () => Promise<void>;
    log: (line: string) => void;
  },
): Promise<void> {
  const roundStartedAt = Date.now();
  const result = await measureRound(registry, tools, contestant, settings);
  options.log(
    `profiled round: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.p99Ms.toFixed(2)} ms (slower than normal: the profiler samples)`,
  );
  await options.stopContestant();
  const windowMicros = (Date.now() - roundStartedAt) * 1000;
  const files = readdirSync(options.profileDir).filter((file) => file.endsWith(".cpuprofile"));
  if (files.length === 0) {
    throw new Error(
      `no .cpuprofile in ${options.profileDir}: central must exit through process.exit / a drained event loop on SIGTERM for --cpu-prof to write it`,
    );
  }
  const profilePath = join(options.profileDir, files.sort().at(-1) as string);
  options.log(`\nTop 15 functions by self time during the round, idle excluded (${profilePath}):`);
  options.log("  self ms      %  function  (location)");
  for (const entry of topSelfTime(profilePath, options.repoRoot, { limit: 15, lastMicros: windowMicros })) {
    options.log(
      `  ${entry.selfMs.toFixed(1).padStart(7)}  ${entry.percent.toFixed(1).padStart(5)}  ${entry.functionName}  (${entry.location})`,
    );
  }
}
