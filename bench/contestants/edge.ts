// Edge (wrangler dev on workerd) → central → static upstream: the whole
// request path. The client sends a JWT minted by the demo issuer; the edge
// verifies it against the issuer's JWKS and signs the identity token central
// checks. The edge bundles its config at build time (src/generated/), so the
// bench builds its own Worker entry around apps/edge/src/worker.ts with the
// bench config instead of touching apps/edge.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generateIdentityKeyPair } from "../../packages/identity/src/index.ts";
import { writeBenchGatewayConfig } from "../lib/gateway-config.ts";
import { freePort, waitForHttp } from "../lib/net.ts";
import type { Child } from "../lib/processes.ts";
import { startCentral } from "./central.ts";
import type { BenchContext, Contestant, ContestantDefinition } from "./contestant.ts";
import { SkipContestant } from "./contestant.ts";

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const EDGE_DIR = join(REPO_ROOT, "apps/edge");
const ISSUER_DIR = join(REPO_ROOT, "apps/demo-issuer");
const WRANGLER = join(EDGE_DIR, "node_modules/.bin/wrangler");
const REQUIRED_FILES = [
  "apps/edge/src/worker.ts",
  "apps/central/src/main.ts",
  "apps/demo-issuer/src/main.ts",
  "apps/demo-issuer/src/mint.ts",
  "packages/config/src/cli.ts",
  "apps/edge/node_modules/.bin/wrangler",
];

function compatibilityDate(): string {
  const text = readFileSync(join(EDGE_DIR, "wrangler.jsonc"), "utf8");
  return /"compatibility_date"\s*:\s*"([^"]+)"/.exec(text)?.[1] ?? "2025-11-01";
}

async function waitForExit(child: Child, what: string): Promise<void> {
  const code = await child.exited;
  if (code !== "0") throw new Error(`${what} failed (exit ${code}):\n${child.output()}`);
}

export const edgeContestant: ContestantDefinition = {
  id: "edge",
  label: "edge → central (workerd)",
  async start(context: BenchContext): Promise<Contestant> {
    const missing = REQUIRED_FILES.filter((file) => !existsSync(join(REPO_ROOT, file)));
    if (missing.length > 0) throw new SkipContestant(`not there yet: ${missing.join(", ")}`);
    const dir = join(context.tmpDir, "edge");
    mkdirSync(dir, { recursive: true });
    const { registry } = context;

    const issuerPort = await freePort();
    const issuerKeys = join(dir, "issuer-keys.json");
    const issuer = registry.spawn("demo-issuer", process.execPath, ["src/main.ts"], {
      cwd: ISSUER_DIR,
      env: {
        DEMO_ISSUER_PORT: String(issuerPort),
        DEMO_ISSUER_HOST: "127.0.0.1",
        DEMO_ISSUER_KEYS_FILE: issuerKeys,
      },
    });
    const issuerUrl = `http://127.0.0.1:${issuerPort}`;
    await waitForHttp(`${issuerUrl}/healthz`, {
      isDead: () =>
        issuer.hasExited() ? `demo issuer exited during start-up:\n${issuer.output()}` : undefined,
    });

    const configPath = join(dir, "gateway.config.yaml");
    writeBenchGatewayConfig(configPath, {
      upstreamUrl: context.upstreamUrl,
      rateLimit: true,
      jwksUrl: `${issuerUrl}/.well-known/jwks.json`,
    });
    const edgeKeys = await generateIdentityKeyPair("bench-edge-1");
    const central = await startCentral(context, { name: "edge-central", configPath, edgeKeys });

    const edgeConfig = join(dir, "edge-config.json");
    await waitForExit(
      registry.spawn("config-compile", process.execPath, [
        join(REPO_ROOT, "packages/config/src/cli.ts"),
        "compile",
        "--tier",
        "edge",
        "--config",
        configPath,
        "--out",
        edgeConfig,
      ]),
      "edge config compile",
    );
    writeFileSync(
      join(dir, "worker.ts"),
      `import { createEdgeWorker } from ${JSON.stringify(join(EDGE_DIR, "src/worker.ts"))};
import config from "./edge-config.json";
export default createEdgeWorker(config as never);
`,
    );
    writeFileSync(
      join(dir, "wrangler.json"),
      JSON.stringify(
        {
          name: "gateway-edge-bench",
          main: "worker.ts",
          compatibility_date: compatibilityDate(),
          workers_dev: false,
          vars: { CENTRAL_URL: central.baseUrl },
        },
        null,
        2,
      ),
    );
    const envFile = join(dir, "edge.env");
    writeFileSync(envFile, `EDGE_IDENTITY_PRIVATE_JWK='${JSON.stringify(edgeKeys.privateJwk)}'\n`, {
      mode: 0o600,
    });
    const edgePort = await freePort();
    const edge = registry.spawn(
      "wrangler-dev",
      WRANGLER,
      [
        "dev",
        "--config",
        join(dir, "wrangler.json"),
        "--ip",
        "127.0.0.1",
        "--port",
        String(edgePort),
        "--inspector-port",
        String(await freePort()),
        "--env-file",
        envFile,
        "--persist-to",
        join(dir, "wrangler-state"),
        "--show-interactive-dev-session=false",
        "--log-level",
        "warn",
      ],
      {
        cwd: dir,
        env: {
          WRANGLER_SEND_METRICS: "false",
          CLOUDFLARE_CF_FETCH_ENABLED: "false",
          XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME || join(REPO_ROOT, ".dev/xdg"),
          CI: "true",
        },
        // workerd inherits the affinity of wrangler.
        ...(context.serverCores ? { cores: context.serverCores } : {}),
      },
    );
    const edgeUrl = `http://127.0.0.1:${edgePort}`;
    await waitForHttp(`${edgeUrl}/health`, {
      timeoutMs: 90_000,
      isDead: () => (edge.hasExited() ? `wrangler dev exited during start-up:\n${edge.output()}` : undefined),
    });

    const { stdout } = await run(
      process.execPath,
      [join(ISSUER_DIR, "src/mint.ts"), "--sub", "bench-user", "--ttl", "7200"],
      { env: { ...process.env, DEMO_ISSUER_KEYS_FILE: issuerKeys }, timeout: 30_000 },
    );
    const headers = { authorization: `Bearer ${stdout.trim()}` };
    const url = `${edgeUrl}${context.path}`;
    const check = await fetch(url, { headers });
    const body = await check.text();
    if (check.status !== 200)
      throw new Error(`edge answered ${check.status} to a signed request: ${body.slice(0, 300)}`);
    return {
      id: "edge",
      label: "edge → central (workerd)",
      url,
      headers: async () => headers,
      // wrangler's tree includes workerd; the demo issuer is idle after the first JWKS fetch.
      cpuPids: () => [edge.pid, central.child.pid],
      rssPid: () => central.child.pid,
      assertAlive: () => {
        registry.assertAlive(edge);
        registry.assertAlive(central.child);
      },
      stop: async () => {
        await Promise.all([registry.stop(edge), registry.stop(central.child), registry.stop(issuer)]);
      },
    };
  },
};
