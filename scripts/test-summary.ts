// Adds up the vitest JSON reports of every package into one closing line:
// "tests: N passed, N failed, N skipped". Exits 1 when a test failed or none ran.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

const dir = process.argv[2] ?? ".dev/test-reports";
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of readdirSync(dir).filter((name) => name.endsWith(".json"))) {
  const report = JSON.parse(readFileSync(join(dir, file), "utf8")) as VitestJsonReport;
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
  skipped += report.numPendingTests + report.numTodoTests;
  console.log(
    `  ${file.replace(/\.json$/, "")}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`,
  );
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
