/**
 * Runs the public HTTP cache test suite (github.com/http-tests/cache-tests) against
 * the edge under `wrangler dev`, with the suite's own origin server playing central:
 *
 *   node apps/edge/scripts/cache-conformance.ts <cache-tests checkout> [results.json]
 *
 * The checkout needs its dependencies (`npm i --omit=dev` in it). The edge runs one
 * public route "/" with `cache: {}`, so every request of the suite goes through the
 * cache. Prints the counts per test kind and every required test that did not pass.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { generateIdentityKeyPair } from "@gateway/identity";
import { freePort } from "@gateway/testing";
import { startWranglerDev } from "../test/node/wrangler-dev.ts";

const CONFIG = `
version: 1
routes:
  - name: conformance
    path: /
    auth: public
    upstream: "http://127.0.0.1:9"
    # The suite sends Authorization to its origin and checks targeted fields in responses.
    forwardAuthorization: true
    # Serving stale when central is unreachable is what the suite's "stale-close" checks rely on.
    cache: { staleIfErrorSeconds: 60, stripTargetedHeaders: false }
`;

interface Test {
  id: string;
  name: string;
  kind?: string;
  browser_only?: boolean;
}

async function main(): Promise<void> {
  const suiteDir = resolve(process.argv[2] ?? process.env.CACHE_TESTS_DIR ?? "");
  const output = process.argv[3];
  const stateDir = mkdtempSync(join(tmpdir(), "cache-conformance-"));
  const originPort = await freePort();
  const origin = spawn(process.execPath, ["test-engine/server/server.mjs"], {
    cwd: suiteDir,
    env: {
      ...process.env,
      npm_config_port: String(originPort),
      npm_config_protocol: "http",
      npm_config_pidfile: join(stateDir, "origin.pid"),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const edgeKey = await generateIdentityKeyPair("conformance");
  const edge = await startWranglerDev({
    stateDir,
    configYaml: CONFIG,
    centralUrl: `http://127.0.0.1:${originPort}`,
    edgeIdentityPrivateJwk: edgeKey.privateJwk,
  });
  try {
    const only = process.env.CACHE_TEST_ID;
    if (only) {
      // One test, with the suite's request/response dump on stdout.
      await run(
        spawn(process.execPath, ["--no-warnings", "test-engine/cli.mjs"], {
          cwd: suiteDir,
          env: { ...process.env, npm_config_base: edge.origin, npm_config_id: only },
          stdio: ["ignore", "inherit", "inherit"],
        }),
      );
      return;
    }
    const raw = await run(
      spawn(process.execPath, ["--no-warnings", "test-engine/cli.mjs"], {
        cwd: suiteDir,
        env: { ...process.env, npm_config_base: edge.origin, npm_package_config_id: "" },
        stdio: ["ignore", "pipe", "inherit"],
      }),
    );
    if (output) writeFileSync(output, raw);
    await summarise(suiteDir, JSON.parse(raw) as Record<string, true | [string, string]>);
  } finally {
    await edge.stop();
    origin.kill();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

function run(child: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolvePromise(out) : reject(new Error(`cli exited with ${code}`)),
    );
  });
}

async function summarise(suiteDir: string, results: Record<string, true | [string, string]>): Promise<void> {
  const suites = (await import(pathToFileURL(join(suiteDir, "tests/index.mjs")).href)).default as Array<{
    tests: Test[];
  }>;
  const { determineTestResult, resultTypes } = await import(
    pathToFileURL(join(suiteDir, "test-engine/lib/results.mjs")).href
  );
  const names = new Map<unknown, string>(Object.entries(resultTypes).map(([name, value]) => [value, name]));
  const counts = new Map<string, Map<string, number>>();
  const failedRequired: string[] = [];
  for (const suite of suites) {
    for (const test of suite.tests) {
      if (test.browser_only) continue;
      const kind = test.kind ?? "required";
      const outcome = names.get(determineTestResult(suites, test.id, results)) ?? "unknown";
      const perKind = counts.get(kind) ?? new Map<string, number>();
      perKind.set(outcome, (perKind.get(outcome) ?? 0) + 1);
      counts.set(kind, perKind);
      if (kind === "required" && outcome !== "pass") {
        const detail = results[test.id];
        failedRequired.push(`${outcome}\t${test.id}\t${Array.isArray(detail) ? detail.join(": ") : ""}`);
      }
    }
  }
  for (const [kind, perKind] of counts) {
    console.log(`${kind}: ${[...perKind].map(([outcome, n]) => `${outcome} ${n}`).join(", ")}`);
  }
  for (const line of failedRequired) console.log(line);
}

await main();
