// The performance targets from docs/performance.md, checked against a run.
import type { BenchResults, ContestantSummary, TargetCheck } from "./results.ts";

const find = (results: Omit<BenchResults, "targets">, id: string): ContestantSummary | undefined =>
  results.contestants.find((summary) => summary.id === id && summary.status === "ok");

function check(
  name: string,
  target: string,
  actual: number | undefined,
  format: (v: number) => string,
  ok: (v: number) => boolean,
): TargetCheck {
  if (actual === undefined || Number.isNaN(actual))
    return { name, target, actual: "not measured", met: null };
  return { name, target, actual: format(actual), met: ok(actual) };
}

export function checkTargets(results: Omit<BenchResults, "targets">): TargetCheck[] {
  const central = find(results, "central");
  return [
    check(
      "central full path throughput vs baseline",
      "≥ 3×",
      central?.ratioToBaseline,
      (v) => `${v.toFixed(2)}×`,
      (v) => v >= 3,
    ),
    check(
      "central full path throughput vs nginx",
      "≥ 0.2×",
      central?.ratioToNginx,
      (v) => `${v.toFixed(2)}×`,
      (v) => v >= 0.2,
    ),
    check(
      "central p99 added over nginx at fixed rate",
      "≤ 2 ms",
      central?.fixedRate?.addedP99Ms,
      (v) => `${v.toFixed(2)} ms`,
      (v) => v <= 2,
    ),
    check(
      "central Redis commands (round trips) per rate-limited request",
      "= 1",
      results.redisRoundTrips?.commandsPerRequest,
      (v) => v.toFixed(2),
      (v) => v === 1,
    ),
    check(
      "identity verification CPU per request",
      "≤ 50 µs",
      results.identityVerifyMicros,
      (v) => `${v.toFixed(1)} µs`,
      (v) => v <= 50,
    ),
    check(
      "central RSS drift under soak",
      "within ±10%",
      results.soak?.driftPercent,
      (v) => `${v >= 0 ? "+" : ""}${v.toFixed(1)}% over ${results.soak?.durationSeconds} s`,
      (v) => Math.abs(v) <= 10,
    ),
  ];
}
