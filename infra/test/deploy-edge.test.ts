import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), "deploy-edge-"));
const outdir = join(stateDir, "dist");
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

function deployEdge(...args: string[]) {
  return spawnSync(
    process.execPath,
    [join(root, "scripts/deploy-edge.ts"), "--state-dir", stateDir, ...args],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
      timeout: 120_000,
    },
  );
}

describe("./gw deploy-edge", () => {
  it("bundles the Worker for an environment with its routes, vars and the compiled config (dry run, offline)", () => {
    const result = deployEdge("--env", "staging", "--dry-run", "--outdir", outdir);
    expect(result.status, result.stderr).toBe(0);
    const wrangler = JSON.parse(readFileSync(join(stateDir, "wrangler.json"), "utf8"));
    expect(wrangler.name).toBe("gateway-edge-staging");
    expect(wrangler.routes).toEqual([{ pattern: "api.staging.example.com/*", zone_name: "example.com" }]);
    expect(wrangler.vars.CENTRAL_URL).toBe("https://central.staging.example.com");
    expect(wrangler.durable_objects).toBeDefined();
    const bundle = readFileSync(join(outdir, "index.js"), "utf8");
    // The compiled gateway config is inside the bundle: its route paths are.
    expect(bundle).toContain("/api/users");
    expect(existsSync(join(outdir, "index.js.map"))).toBe(true);
  });

  it("refuses an unknown environment and names the known ones", () => {
    const result = deployEdge("--env", "prod", "--dry-run");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown environment "prod" (dev, staging, production)');
  });

  it("refuses a config that does not compile, before calling wrangler", () => {
    const result = deployEdge(
      "--env",
      "dev",
      "--dry-run",
      "--config",
      join(root, "infra/edge/environments.jsonc"),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("does not compile for the edge");
  });
});
