// Plain-text renderings of the results for stdout and docs.
import type { BenchResults, ContestantSummary } from "./results.ts";

const fixed = (value: number | undefined, digits: number) =>
  value === undefined || Number.isNaN(value) ? "—" : value.toFixed(digits);
const thousands = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? "—" : Math.round(value).toLocaleString("en-US");
const ratio = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? "—" : `${value.toFixed(2)}×`;

function row(summary: ContestantSummary): string[] {
  if (summary.status !== "ok") {
    return [summary.label, `${summary.status}: ${summary.reason ?? ""}`.slice(0, 70), "", "", "", "", "", ""];
  }
  return [
    summary.label,
    thousands(summary.requestsPerSecond),
    fixed(summary.p50Ms, 2),
    fixed(summary.p99Ms, 2),
    String(summary.errors ?? 0),
    fixed(summary.cpuMicrosPerRequest, 1),
    ratio(summary.ratioToNginx),
    ratio(summary.ratioToFloor),
    ratio(summary.ratioToBaseline),
  ];
}

const HEADER = [
  "contestant",
  "req/s",
  "p50 ms",
  "p99 ms",
  "errors",
  "CPU µs/req",
  "vs nginx",
  "vs floor",
  "vs baseline",
];

export function textTable(results: BenchResults): string {
  const rows = [HEADER, ...results.contestants.map(row)];
  const widths = HEADER.map((_, column) =>
    Math.max(
      ...rows.filter((cells) => cells[2] !== "" || column < 2).map((cells) => (cells[column] ?? "").length),
    ),
  );
  return rows
    .map((cells) => {
      if (cells[2] === "" && cells !== HEADER)
        return `${(cells[0] ?? "").padEnd(widths[0] ?? 0)}  ${cells[1]}`;
      return cells
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join("  ");
    })
    .join("\n");
}

export function markdownTable(results: BenchResults): string {
  const lines = [
    `| ${HEADER.join(" | ")} |`,
    `|${HEADER.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`,
  ];
  for (const summary of results.contestants) lines.push(`| ${row(summary).join(" | ")} |`);
  return lines.join("\n");
}

export function fixedRateTable(results: BenchResults): string | undefined {
  const measured = results.contestants.filter((summary) => summary.fixedRate);
  if (measured.length === 0) return undefined;
  const lines = ["contestant                 target/s  achieved/s  p50 ms  p99 ms  +p50 ms  +p99 ms  errors"];
  for (const summary of measured) {
    const result = summary.fixedRate;
    if (!result) continue;
    lines.push(
      [
        summary.label.padEnd(25),
        thousands(result.targetRate).padStart(9),
        thousands(result.achievedRate).padStart(11),
        fixed(result.p50, 2).padStart(7),
        fixed(result.p99, 2).padStart(7),
        fixed(result.addedP50Ms, 2).padStart(8),
        fixed(result.addedP99Ms, 2).padStart(8),
        String(result.errors).padStart(7),
      ].join(" "),
    );
  }
  return lines.join("\n");
}

export function targetsTable(results: BenchResults): string {
  return results.targets
    .map((check) => {
      const mark = check.met === null ? "n/a " : check.met ? "PASS" : "MISS";
      return `${mark}  ${check.name}: target ${check.target}, measured ${check.actual}`;
    })
    .join("\n");
}
