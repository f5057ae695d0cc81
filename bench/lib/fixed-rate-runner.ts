// Runs bench/load/fixed-rate.ts as its own (pinnable) process.
import { fileURLToPath } from "node:url";
import type { Contestant } from "../contestants/contestant.ts";
import type { FixedRateResult } from "../load/fixed-rate.ts";
import { runForBenchJson } from "./bench-json-child.ts";
import type { ProcessRegistry } from "./processes.ts";

const GENERATOR = fileURLToPath(new URL("../load/fixed-rate.ts", import.meta.url));

export async function runFixedRateAgainst(
  registry: ProcessRegistry,
  contestant: Contestant,
  options: { rate: number; durationSeconds: number; connections: number; loadCores: string | undefined },
): Promise<FixedRateResult> {
  const args = [
    // Diagnostics of the generator itself, e.g. BENCH_LOAD_NODE_FLAGS=--trace-gc with --keep.
    ...(process.env.BENCH_LOAD_NODE_FLAGS?.split(/\s+/).filter((flag) => flag !== "") ?? []),
    GENERATOR,
    "--url",
    contestant.url,
    "--rate",
    String(Math.round(options.rate)),
    "--duration",
    String(options.durationSeconds),
    "--connections",
    String(options.connections),
  ];
  for (const [name, value] of Object.entries(await contestant.headers()))
    args.push("--header", `${name}: ${value}`);
  const json = await runForBenchJson(registry, "fixed-rate", process.execPath, args, {
    ...(options.loadCores ? { cores: options.loadCores } : {}),
    failure: "fixed-rate generator failed",
  });
  contestant.assertAlive();
  return JSON.parse(json) as FixedRateResult;
}
