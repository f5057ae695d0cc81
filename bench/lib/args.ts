import { parseArgs } from "node:util";

export interface BenchArgs {
  durationSeconds: number;
  rounds: number;
  connections: number;
  threads: number;
  warmupSeconds: number;
  only: string[] | undefined;
  fixedRate: boolean;
  /** Overrides "50% of the slowest Node contestant's throughput" in fixed-rate mode. */
  rate: number | undefined;
  soakSeconds: number | undefined;
  profile: boolean;
  pin: boolean;
  /** Keep the temp dir (generated configs, every child's log) instead of deleting it. */
  keep: boolean;
  /** Don't write bench/results/latest.* (for quick experiments). */
  write: boolean;
}

export const USAGE = `usage: ./gw bench [options]     (or pnpm bench, node bench/run.ts)
  --duration S        seconds per round (env BENCH_DURATION, default 10)
  --rounds N          interleaved rounds A B C D E A B ... (env BENCH_ROUNDS, default 3)
  --connections N     wrk connections (env BENCH_CONNECTIONS, default 64)
  --threads N         wrk threads (default 1: wrk gets one core)
  --warmup S          warm-up seconds per contestant (default 3)
  --only a,b          run only these contestants: direct, nginx, floor, baseline, central, central-reuse, central-lean, edge, edge-workerd,
                      central@<name> (see BENCH_CENTRAL_VARIANTS in bench/README.md)
  --fixed-rate        also run open-loop fixed-rate load at 50% of the slowest Node contestant's throughput
  --rate R            fixed-rate requests/s instead of that default
  --soak S            RSS soak: load central for S seconds, sample RSS every 5 s
  --profile           one round against central under --cpu-prof; print top 15 self-time functions
  --no-pin            don't pin with taskset (server on core 0, load on core 1)
  --no-write          don't write bench/results/latest.{json,svg}
  --keep              keep the temp dir with generated configs and every process's log`;

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${text}"`);
  return value;
}

export function parseBenchArgs(argv: string[], env: Record<string, string | undefined>): BenchArgs | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: "string" },
      rounds: { type: "string" },
      connections: { type: "string" },
      threads: { type: "string" },
      warmup: { type: "string" },
      only: { type: "string" },
      "fixed-rate": { type: "boolean", default: false },
      rate: { type: "string" },
      soak: { type: "string" },
      profile: { type: "boolean", default: false },
      "no-pin": { type: "boolean", default: false },
      "no-write": { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  return {
    durationSeconds: positive("--duration", values.duration ?? env.BENCH_DURATION, 10),
    rounds: Math.round(positive("--rounds", values.rounds ?? env.BENCH_ROUNDS, 3)),
    connections: Math.round(positive("--connections", values.connections ?? env.BENCH_CONNECTIONS, 64)),
    threads: Math.round(positive("--threads", values.threads, 1)),
    warmupSeconds: positive("--warmup", values.warmup, 3),
    only: values.only
      ?.split(",")
      .map((id) => id.trim())
      .filter(Boolean),
    fixedRate: values["fixed-rate"],
    rate: values.rate === undefined ? undefined : positive("--rate", values.rate, 1),
    soakSeconds: values.soak === undefined ? undefined : positive("--soak", values.soak, 300),
    profile: values.profile,
    pin: !values["no-pin"],
    keep: values.keep,
    write: !values["no-write"],
  };
}
