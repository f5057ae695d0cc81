// A second `./gw dev` while a first runs: it refuses before starting or writing
// anything, with one line naming the taken port and the variable that moves it.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@gateway/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../scripts/stack.ts";

const PORT_VARS = [
  "EDGE_PORT",
  "CENTRAL_PORT",
  "DEMO_USERS_PORT",
  "DEMO_ISSUER_PORT",
  "DEMO_ORDERS_PORT",
  "EDGE_INSPECTOR_PORT",
  "CENTRAL_ADMIN_PORT",
  "CENTRAL_METRICS_PORT",
];

function runDev(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, "scripts/dev.ts")],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** A state folder as a running stack leaves it: its files must come out untouched. */
function runningStackState(): { dir: string; snapshot(): string[] } {
  const dir = mkdtempSync(join(tmpdir(), "gw-preflight-"));
  const files = ["wrangler.json", "edge.env", "identity-keys.json"].map((name) => join(dir, name));
  for (const file of files) writeFileSync(file, `first stack's ${file}\n`);
  return {
    dir,
    snapshot: () => files.map((file) => `${readFileSync(file, "utf8")}@${statSync(file).mtimeMs}`),
  };
}

let blocker: Server;
let takenPort: number;
beforeAll(async () => {
  blocker = createServer();
  await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
  takenPort = (blocker.address() as { port: number }).port;
});
afterAll(() => blocker.close());

async function freePorts(): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const name of PORT_VARS) env[name] = String(await freePort());
  return env;
}

describe.concurrent("./gw dev preflight", () => {
  it.each(PORT_VARS)("refuses when %s's port is taken, touching nothing", async (variable) => {
    const state = runningStackState();
    const before = state.snapshot();
    const run = await runDev({
      ...(await freePorts()),
      [variable]: String(takenPort),
      GW_STATE_DIR: state.dir,
    });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^gw dev: port ${takenPort} \\(\\w+\\) is already in use.*set ${variable} `),
    );
    expect(run.stdout).toBe("");
    expect(state.snapshot()).toEqual(before);
  });

  it("refuses a state folder another live ./gw dev holds, touching nothing", async () => {
    const state = runningStackState();
    // This test process plays the first ./gw dev.
    writeFileSync(join(state.dir, "gw-dev.pid"), `${process.pid}\n`);
    const before = state.snapshot();
    const run = await runDev({ ...(await freePorts()), GW_STATE_DIR: state.dir });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `gw dev: another ./gw dev (pid ${process.pid}) uses the state folder ${state.dir}; set GW_STATE_DIR to another folder`,
    );
    expect(state.snapshot()).toEqual(before);
  });
});
