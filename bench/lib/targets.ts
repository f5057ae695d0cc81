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

const ratio = (v: number) => `${v.toFixed(2)}×`;
const atLeast = (floor: number) => (v: number) => v >= floor;

export function checkTargets(results: Omit<BenchResults, "targets">): TargetCheck[] {
  const central = find(results, "central");
  const reuse = find(results, "central-reuse");
  return [
    check("central full path vs floor", "≥ 0.6×", central?.ratioToFloor, ratio, atLeast(0.6)),
    check("central full path vs nginx", "≥ 0.15×", central?.ratioToNginx, ratio, atLeast(0.15)),
    check("central full path vs baseline", "≥ 1.5×", central?.ratioToBaseline, ratio, atLeast(1.5)),
    check("central, serviceToken: reuse, vs floor", "≥ 0.75×", reuse?.ratioToFloor, ratio, atLeast(0.75)),
    check("central, serviceToken: reuse, vs nginx", "≥ 0.2×", reuse?.ratioToNginx, ratio, atLeast(0.2)),
    check(
      "central CPU per request, default path",
      "≤ 120 µs",
      central?.cpuMicrosPerRequest,
      (v) => `${v.toFixed(1)} µs`,
      (v) => v <= 120,
    ),
    check(
      "central p99 added over the direct upstream at fixed rate",
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
      "HS256 hop verify + binding check, CPU per request",
      "≤ 10 µs",
      results.identityVerifyMicros,
      (v) => `${v.toFixed(1)} µs`,
      (v) => v <= 10,
    ),
    check(
      "central peak RSS over the whole run vs idle",
      "≤ 1.5×",
      central?.peakRssMiB === undefined || central.idleRssMiB === undefined
        ? undefined
        : central.peakRssMiB / central.idleRssMiB,
      (v) => `${v.toFixed(2)}× (${central?.idleRssMiB} → ${central?.peakRssMiB} MiB)`,
      (v) => v <= 1.5,
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
