// CPU time and memory of server processes, read from /proc (Linux only).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let clockTicksPerSecond: number | undefined;

function ticksPerSecond(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/** Fields after "(comm)": the command name may contain spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** `pid` and every live descendant (e.g. node → workerd under wrangler). */
export function processTree(roots: number[]): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    // fields[1] is ppid (stat field 4).
    if (fields?.[1] !== undefined) parentOf.set(Number(entry), Number(fields[1]));
  }
  const result = new Set(roots.filter((pid) => parentOf.has(pid)));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, parent] of parentOf) {
      if (!result.has(pid) && result.has(parent)) {
        result.add(pid);
        grew = true;
      }
    }
  }
  return [...result];
}

/** utime + stime of the processes (and their descendants), in microseconds. */
export function cpuMicros(roots: number[]): number {
  let ticks = 0;
  for (const pid of processTree(roots)) {
    const fields = statFields(pid);
    // stat fields 14 (utime) and 15 (stime) are at 11 and 12 after "(comm) ".
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks / ticksPerSecond()) * 1e6;
}

/** Resident set size in bytes (VmRSS), or undefined if the process is gone. */
function statusKiB(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function rssBytes(pid: number): number | undefined {
  const kib = statusKiB(pid, "VmRSS");
  return kib === undefined ? undefined : kib * 1024;
}

/** The highest RSS the process has had so far (the kernel's high-water mark). */
export function peakRssBytes(pid: number): number | undefined {
  const kib = statusKiB(pid, "VmHWM");
  return kib === undefined ? undefined : kib * 1024;
}
