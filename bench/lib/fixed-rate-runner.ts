// Runs bench/load/fixed-rate.ts as its own (pinnable) process.
import { fileURLToPath } from "node:url";
import type { Contestant } from "../contestants/contestant.ts";
import type { FixedRateResult } from "../load/fixed-rate.ts";
import type { ProcessRegistry } from "./processes.ts";
import { indent } from "./processes.ts";

const GENERATOR = fileURLToPath(new URL("../load/fixed-rate.ts", import.meta.url));

export async function runFixedRateAgainst(
  registry: ProcessRegistry,
  contestant: Contestant,
  options: { rate: number; durationSeconds: number; connections: number; loadCores: string | undefined },
): Promise<FixedRateResult> {
  const args = [
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
  const child = registry.spawn(
    "fixed-rate",
    process.execPath,
    args,
    options.loadCores ? { cores: options.loadCores } : {},
  );
  const code = await child.exited;
  const line = child
    .output()
    .split("\n")
    .find((candidate) => candidate.startsWith("BENCH_JSON "));
  if (code !== "0" || line === undefined) {
    throw new Error(`fixed-rate generator failed (exit ${code}):\n${indent(child.output())}`);
  }
  contestant.assertAlive();
  return JSON.parse(line.slice("BENCH_JSON ".length)) as FixedRateResult;
}
