// Shared vitest settings: when ./gw test runs (GW_TEST_REPORT_DIR set), each
// package also writes a JSON report that scripts/test-summary.ts adds up.
import { join } from "node:path";

export function reporters(name: string): { reporters: string[]; outputFile?: Record<string, string> } {
  const dir = process.env.GW_TEST_REPORT_DIR;
  if (!dir) return { reporters: ["default"] };
  return { reporters: ["default", "json"], outputFile: { json: join(dir, `${name}.json`) } };
}
