// Pre-signed single-use header values (fresh identity tokens) for the load
// generators, written to a file one per line, and the wrk script that sends
// one per request.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SingleUseHeader } from "../contestants/contestant.ts";

/** Closed-loop budget: about 2× the fastest central seen here (~3,300 req/s). */
export const SINGLE_USE_VALUES_PER_SECOND = 6000;
const SINGLE_USE_SCRIPT = fileURLToPath(new URL("../wrk/single-use-header.lua", import.meta.url));

export function closedLoopValueCount(durationSeconds: number): number {
  return Math.ceil(durationSeconds * SINGLE_USE_VALUES_PER_SECOND) + 1000;
}

/** Mints `count` values and writes them to `file`, one per line. */
export async function writeSingleUseValues(
  header: SingleUseHeader,
  count: number,
  file: string,
): Promise<void> {
  const values = await header.mint(count);
  writeFileSync(file, `${values.join("\n")}\n`);
}

/** single-use-header.lua followed by `reportScript` (wrk takes one script), written to `dir`; returns its path. */
export function writeSingleUseWrkScript(dir: string, reportScript: string): string {
  const path = join(dir, "wrk-single-use.lua");
  writeFileSync(path, `${readFileSync(SINGLE_USE_SCRIPT, "utf8")}\n${readFileSync(reportScript, "utf8")}`);
  return path;
}
