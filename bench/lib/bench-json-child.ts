// Load generators (wrk with report.lua, load/fixed-rate.ts) report with one
// `BENCH_JSON {...}` line on stdout.
import type { ProcessRegistry, SpawnOptions } from "./processes.ts";
import { indent } from "./processes.ts";

const PREFIX = "BENCH_JSON ";

/** Runs the command to its end and returns the JSON text of its BENCH_JSON line; throws with its output otherwise. */
export async function runForBenchJson(
  registry: ProcessRegistry,
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { failure: string },
): Promise<string> {
  const { failure, ...spawnOptions } = options;
  const child = registry.spawn(name, command, args, spawnOptions);
  const code = await child.exited;
  const line = child
    .output()
    .split("\n")
    .find((candidate) => candidate.startsWith(PREFIX));
  if (code !== "0" || line === undefined) {
    throw new Error(`${failure} (exit ${code}):\n${indent(child.output())}`);
  }
  return line.slice(PREFIX.length);
}
