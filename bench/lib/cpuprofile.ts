// Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and ranks functions
// by self time: the time samples landed in the function itself.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTimeEntry {
  functionName: string;
  /** file:line, shortened to the part after node_modules/ or the repo root. */
  location: string;
  selfMs: number;
  percent: number;
}

function shortLocation(url: string, line: number, repoRoot: string): string {
  if (url === "") return "(native)";
  let path = url.replace(/^file:\/\//, "");
  const modules = path.lastIndexOf("node_modules/");
  if (modules !== -1) path = path.slice(modules + "node_modules/".length);
  else if (path.startsWith(repoRoot)) path = path.slice(repoRoot.length + 1);
  return `${path}:${line + 1}`;
}

/** Frames that are not work: time the process spent waiting. */
const NOT_WORK = new Set(["(idle)"]);

/**
 * `lastMicros` keeps only samples from the final stretch of the profile (the
 * measured round), leaving out start-up: module loading, type stripping.
 */
export function topSelfTime(
  profilePath: string,
  repoRoot: string,
  options: { limit?: number; lastMicros?: number } = {},
): SelfTimeEntry[] {
  const profile = JSON.parse(readFileSync(profilePath, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const from =
    options.lastMicros === undefined ? Number.NEGATIVE_INFINITY : profile.endTime - options.lastMicros;
  let timestamp = profile.startTime;
  // timeDeltas[i] is the time since the previous sample: it belongs to sample i.
  for (let index = 0; index < samples.length; index++) {
    const delta = Math.max(0, deltas[index] ?? 0);
    timestamp += delta;
    if (timestamp < from) continue;
    const id = samples[index] as number;
    if (NOT_WORK.has(byId.get(id)?.callFrame.functionName ?? "")) continue;
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
  }
  const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0) || 1;
  const grouped = new Map<string, SelfTimeEntry>();
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const functionName = frame.functionName || "(anonymous)";
    const location = shortLocation(frame.url, frame.lineNumber, repoRoot);
    const key = `${functionName} ${location}`;
    const entry = grouped.get(key) ?? { functionName, location, selfMs: 0, percent: 0 };
    entry.selfMs += micros / 1000;
    entry.percent = (entry.selfMs * 1000 * 100) / total;
    grouped.set(key, entry);
  }
  return [...grouped.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, options.limit ?? 15);
}
