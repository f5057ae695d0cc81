// A small bar chart of throughput and p99 per contestant, written by hand so
// the bench needs no charting dependency.
import type { BenchResults, ContestantSummary } from "./results.ts";

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

interface Panel {
  title: string;
  value: (summary: ContestantSummary) => number | undefined;
  format: (value: number) => string;
  color: string;
}

export function resultsSvg(results: BenchResults): string {
  const measured = results.contestants.filter((summary) => summary.status === "ok");
  const panels: Panel[] = [
    {
      title: "Throughput (req/s, higher is better)",
      value: (s) => s.requestsPerSecond,
      format: (v) => Math.round(v).toLocaleString("en-US"),
      color: "#2b7bb9",
    },
    {
      title: "p99 latency (ms, lower is better)",
      value: (s) => s.p99Ms,
      format: (v) => v.toFixed(2),
      color: "#d9822b",
    },
  ];
  const labelWidth = 190;
  const barWidth = 300;
  const rowHeight = 22;
  const panelWidth = labelWidth + barWidth + 90;
  const panelHeight = 40 + measured.length * rowHeight;
  const width = panelWidth * panels.length + 20;
  const height = panelHeight + 50;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
  ];
  panels.forEach((panel, panelIndex) => {
    const x0 = 10 + panelIndex * panelWidth;
    const values = measured.map((summary) => panel.value(summary) ?? 0);
    const max = Math.max(...values, 1e-9);
    parts.push(`<text x="${x0}" y="20" font-weight="bold">${escapeXml(panel.title)}</text>`);
    measured.forEach((summary, index) => {
      const y = 34 + index * rowHeight;
      const value = values[index] ?? 0;
      const length = Math.max(1, (value / max) * barWidth);
      parts.push(
        `<text x="${x0 + labelWidth - 6}" y="${y + 14}" text-anchor="end">${escapeXml(summary.label)}</text>`,
        `<rect x="${x0 + labelWidth}" y="${y + 2}" width="${length.toFixed(1)}" height="${rowHeight - 6}" fill="${panel.color}"/>`,
        `<text x="${x0 + labelWidth + length + 4}" y="${y + 14}">${escapeXml(panel.format(value))}</text>`,
      );
    });
  });
  const { machine, settings } = results;
  const footer = `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.date.slice(0, 10)}; ${settings.rounds}×${settings.durationSeconds}s rounds, ${settings.connections} connections, median per contestant`;
  parts.push(`<text x="10" y="${height - 12}" fill="#555">${escapeXml(footer)}</text>`, "</svg>");
  return `${parts.join("\n")}\n`;
}
