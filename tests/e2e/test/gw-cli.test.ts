// ./gw and every command answer --help with exit 0 and a usage that names them
// as `./gw <command>`. Runs ./gw itself (the toolchain is already in place, so
// nothing is installed).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../scripts/stack.ts";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function gw(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(join(REPO_ROOT, "gw"), args, { cwd: REPO_ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

const COMMANDS = ["dev", "test", "token", "check", "config", "bench", "pnpm"];

// One at a time: the first ./gw after a lockfile change runs pnpm install.
describe("./gw help", { timeout: 180_000 }, () => {
  it.each([[[]], [["help"]], [["--help"]], [["-h"]]])("./gw %j lists every command, exit 0", async (args) => {
    const run = await gw(args);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: \.\/gw <command>/);
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(run.stdout).not.toContain("set -euo pipefail");
    expect(run.stderr).toBe("");
  });

  it("an unknown command exits 2 with the usage on stderr", async () => {
    const run = await gw(["deploy"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("gw: unknown command 'deploy'");
    expect(run.stderr).toContain("usage: ./gw <command>");
  });

  it.each([
    [["dev", "--help"], "usage: ./gw dev"],
    [["test", "--help"], "usage: ./gw test"],
    [["token", "--help"], "usage: ./gw token"],
    [["check", "--help"], "usage: ./gw check"],
    [["check", "-h"], "usage: ./gw check"],
    [["config", "--help"], "./gw config compile"],
    [["config", "check", "--help"], "usage: ./gw check"],
    [["config", "compile", "--help"], "usage: ./gw config compile"],
    [["config", "wrangler-bindings", "--help"], "usage: ./gw config wrangler-bindings"],
    [["bench", "--help"], "usage: ./gw bench"],
  ])("./gw %j exits 0 with its usage", async (args, usage) => {
    const run = await gw(args);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(usage);
    expect(run.stderr).not.toMatch(/unknown option/i);
  });

  it("./gw pnpm --help is pnpm's help, exit 0", async () => {
    const run = await gw(["pnpm", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/pnpm/i);
  });
});
