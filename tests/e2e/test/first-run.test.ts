// `./gw dev` prints first requests for every capability; this runs the printed lines, as printed,
// in one shell (they share $TOKEN), against the stack that printed them.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@gateway/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../scripts/stack.ts";

let dev: ChildProcess;
let banner = "";
let tryLines: string[] = [];

beforeAll(async () => {
  const ports = {
    EDGE_PORT: await freePort(),
    CENTRAL_PORT: await freePort(),
    DEMO_USERS_PORT: await freePort(),
    DEMO_ISSUER_PORT: await freePort(),
    DEMO_ORDERS_PORT: await freePort(),
    EDGE_INSPECTOR_PORT: await freePort(),
    CENTRAL_ADMIN_PORT: await freePort(),
    CENTRAL_METRICS_PORT: await freePort(),
  };
  dev = spawn(process.execPath, [join(REPO_ROOT, "scripts/dev.ts")], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      GW_STATE_DIR: mkdtempSync(join(tmpdir(), "gw-first-run-")),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const up = new Promise<void>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const start = output.indexOf("\nTry:\n");
      const end = output.indexOf("Ctrl-C stops everything.", start);
      if (start >= 0 && end >= 0) {
        banner = output.slice(start, end);
        resolve();
      }
    };
    dev.stdout?.on("data", collect);
    dev.stderr?.on("data", collect);
    dev.once("exit", (code) => reject(new Error(`./gw dev exited (${code}) before its banner:\n${output}`)));
  });
  await up;
  tryLines = banner
    .split("\n")
    .slice(2)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}, 180_000);

afterAll(async () => {
  if (dev !== undefined && dev.exitCode === null) {
    const exited = once(dev, "exit");
    dev.kill("SIGTERM");
    await exited;
  }
}, 60_000);

/** Runs the lines in one bash, in order; returns each line's output. */
function runLines(lines: string[]): Promise<string[]> {
  const marker = "@@first-run@@";
  const script = lines.map((line) => `echo ${marker}\n${line}`).join("\n");
  return new Promise((resolve, reject) => {
    execFile("bash", ["-c", script], { cwd: REPO_ROOT, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error?.killed) reject(new Error(`the printed requests timed out: ${stderr}`));
      else resolve(stdout.split(`${marker}\n`).slice(1));
    });
  });
}

const lineFor = (fragment: string) => {
  const index = tryLines.findIndex((line) => line.includes(fragment));
  expect(index, `no printed line contains ${fragment}`).toBeGreaterThanOrEqual(0);
  return index;
};

describe("./gw dev first requests", { timeout: 180_000 }, () => {
  it("prints a request for each capability, and each one works as printed", async () => {
    const outputs = await runLines(tryLines);
    expect(outputs).toHaveLength(tryLines.length);
    const out = (fragment: string, nth = 0) => {
      const indexes = tryLines.flatMap((line, i) => (line.includes(fragment) ? [i] : []));
      return outputs[indexes[nth] ?? lineFor(fragment)] ?? "";
    };

    // auth: a JWT from the dev issuer reaches the service, which verified central's token
    expect(JSON.parse(out("/api/users/me   #")).identity).toMatchObject({ sub: "alice", auth: "jwt" });
    expect(out("/api/users | head -1")).toMatch(/^HTTP\/1\.1 401 /);
    expect(JSON.parse(out("/api/public/hello"))).toBeTruthy();
    // a limit: central's headers for alice, and a consumer on a 5-a-minute plan reaching 429
    expect(out("grep -i '^ratelimit'").toLowerCase()).toMatch(/^ratelimit-policy: .*per-user/m);
    expect(out("for i in").trim()).toBe("200 200 200 200 200 429 429");
    // a cached route: the edge answers the second call (its store may finish just after the first answer)
    expect(out("/api/catalog/hello", 0).toLowerCase()).toContain("x-cache: miss");
    const hitLine = tryLines[lineFor("then HIT")] ?? "";
    await expect
      .poll(async () => ((await runLines([hitLine]))[0] ?? "").toLowerCase())
      .toContain("x-cache: hit");
    // REST → gRPC
    expect(JSON.parse(out("/api/orders/v1/orders/o-1"))).toMatchObject({ id: "o-1" });
    // API keys
    expect(JSON.parse(out("an API key of consumer")).identity).toMatchObject({
      sub: "demo",
      auth: "api_key",
    });
    expect(out("./gw keys list demo")).toContain("gw_test_");
  });
});
