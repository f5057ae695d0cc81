// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} references are what these tests feed in
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_OUTLIER_DETECTION } from "@gateway/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.ts";
import { loadConfigFile } from "./load-file.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gateway-config-load-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function issuesFor(
  text: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ file: string; issues: string[] }> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, text);
  const error = await loadConfigFile(file, env).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return { file, issues: (error as ConfigError).issues };
}

describe("loadConfigFile", () => {
  it("loads a valid file with env interpolation", async () => {
    const file = join(dir, "ok.yaml");
    await writeFile(
      file,
      "version: 1\nroutes:\n  - { name: a, path: /a, auth: public, upstream: '${UP}' }\n",
    );
    const config = await loadConfigFile(file, { UP: "http://svc:1" });
    expect(config.routes[0]?.upstream).toEqual({
      urls: ["http://svc:1"],
      weights: [1],
      outlierDetection: DEFAULT_OUTLIER_DETECTION,
    });
  });

  it("prefixes schema issues with file:line:col", async () => {
    const { file, issues } = await issuesFor(
      "version: 1\nroutes:\n  - name: a\n    path: /a\n    upstream: http://x?y\n    bogus: 1\n",
    );
    expect(issues).toEqual([
      `${file}:5:15: routes[0].upstream: must be an http(s) URL without query or fragment`,
      `${file}:6:12: routes[0].bogus: unknown key`,
    ]);
  });

  it("points a missing key at its parent", async () => {
    const { file, issues } = await issuesFor("version: 1\nroutes:\n  - name: a\n    path: /a\n");
    expect(issues).toEqual([`${file}:3:5: routes[0].upstream: is required`]);
  });

  it("reports YAML syntax errors with line:col", async () => {
    const { file, issues } = await issuesFor("version: 1\nroutes:\n  - name: [a\n");
    expect(issues[0]).toMatch(new RegExp(`^${file.replace(/[.]/g, "\\.")}:\\d+:\\d+: YAML syntax error: `));
  });

  it("reports env issues with the file path", async () => {
    const { file, issues } = await issuesFor(
      "version: 1\nroutes:\n  - { name: a, path: /a, upstream: '${NOPE}' }\n",
    );
    expect(issues).toEqual([
      `${file}:3:36: routes[0].upstream: environment variable NOPE is not set (and no default is given)`,
    ]);
  });

  it("reports a missing file", async () => {
    const file = join(dir, "missing.yaml");
    await expect(loadConfigFile(file, {})).rejects.toThrow(`${file}: file not found`);
  });
});
