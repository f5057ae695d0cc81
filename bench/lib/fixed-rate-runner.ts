// Runs bench/load/fixed-rate.ts as its own (pinnable) process.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Contestant } from "../contestants/contestant.ts";
import type { FixedRateResult } from "../load/fixed-rate.ts";
import { runForBenchJson } from "./bench-json-child.ts";
import type { ProcessRegistry } from "./processes.ts";
import { writeSingleUseValues } from "./single-use-values.ts";

const GENERATOR = fileURLToPath(new URL("../load/fixed-rate.ts", import.meta.url));

export async function runFixedRateAgainst(
  registry: ProcessRegistry,
  contestant: Contestant,
  options: {
    rate: number;
    durationSeconds: number;
    connections: number;
    loadCores: string | undefined;
    /** Folder for the single-use header values file. */
    workDir: string;
  },
): Promise<FixedRateResult> {
  const rate = Math.round(options.rate);
  const args = [
    // Diagnostics of the generator itself, e.g. BENCH_LOAD_NODE_FLAGS=--trace-gc with --keep.
    ...(process.env.BENCH_LOAD_NODE_FLAGS?.split(/\s+/).filter((flag) => flag !== "") ?? []),
    GENERATOR,
    "--url",
    contestant.url,
    "--rate",
    String(rate),
    "--duration",
    String(options.durationSeconds),
    "--connections",
    String(options.connections),
  ];
  for (const [name, value] of Object.entries(await contestant.headers()))
    args.push("--header", `${name}: ${value}`);
  const single = contestant.singleUseHeader;
  if (single) {
    // The generator sends exactly rate × duration requests (its `total`): one value each.
    const valuesFile = join(
      options.workDir,
      `fixed-rate-values-${contestant.id.replace(/[^\w-]/g, "_")}.txt`,
    );
    await writeSingleUseValues(single, Math.max(1, Math.round(rate * options.durationSeconds)), valuesFile);
    args.push("--single-use-header", single.name, "--single-use-values", valuesFile);
  }
  const json = await runForBenchJson(registry, "fixed-rate", process.execPath, args, {
    ...(options.loadCores ? { cores: options.loadCores } : {}),
    failure: "fixed-rate generator failed",
  });
  contestant.assertAlive();
  return JSON.parse(json) as FixedRateResult;
}
