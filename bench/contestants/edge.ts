// Edge → central → static upstream: the whole request path, with the edge under
// `wrangler dev` (id "edge") or self-hosted under `workerd serve` as ./gw start-edge runs it
// (id "edge-workerd"). The client sends a JWT minted by the demo issuer; the edge
// verifies it against the issuer's JWKS and signs the identity token central
// checks. The demo issuer and the Worker (apps/edge with the bench config
// compiled in, a per-run wrangler config) start as `./gw dev` starts them
// (scripts/stack.ts); central starts as the other central contestants do.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { prepareSelfHostedLaunch } from "@gateway/edge/self-hosted";
import { generateHopSecret } from "@gateway/identity";
import { freePort } from "@gateway/testing";
import {
  demoIssuerLaunch,
  type EdgeRuntime,
  type Launch,
  prepareEdgeLaunch,
  REPO_ROOT,
} from "../../scripts/stack.ts";
import { writeBenchGatewayConfig } from "../lib/gateway-config.ts";
import type { ProcessRegistry, SpawnOptions } from "../lib/processes.ts";
import { waitForHttp } from "../lib/wait-for-http.ts";
import { startCentral } from "./central.ts";
import type { BenchContext, Contestant, ContestantDefinition } from "./contestant.ts";
import { SkipContestant } from "./contestant.ts";

const run = promisify(execFile);
const HOST = "127.0.0.1";
const REQUIRED_FILES = [
  "apps/edge/src/index.ts",
  "apps/central/src/main.ts",
  "apps/demo-issuer/src/main.ts",
  "apps/demo-issuer/src/mint.ts",
  "packages/config/src/cli.ts",
  "apps/edge/node_modules/.bin/wrangler",
];

function spawnLaunch(registry: ProcessRegistry, name: string, launch: Launch, options: SpawnOptions = {}) {
  return registry.spawn(name, launch.command, launch.args, {
    cwd: launch.cwd,
    ...options,
    env: { ...launch.env, ...options.env },
  });
}

const EDGES: Record<EdgeRuntime, { id: string; label: string; process: string }> = {
  wrangler: { id: "edge", label: "edge → central (workerd)", process: "wrangler dev" },
  workerd: { id: "edge-workerd", label: "edge self-hosted (workerd serve) → central", process: "workerd" },
};

function edgeContestantFor(runtime: EdgeRuntime): ContestantDefinition {
  const { id, label } = EDGES[runtime];
  return {
    id,
    label,
    async start(context: BenchContext): Promise<Contestant> {
      const missing = REQUIRED_FILES.filter((file) => !existsSync(join(REPO_ROOT, file)));
      if (missing.length > 0) throw new SkipContestant(`not there yet: ${missing.join(", ")}`);
      const dir = join(context.tmpDir, id);
      mkdirSync(dir, { recursive: true });
      const { registry } = context;

      const issuerPort = await freePort();
      const issuerKeys = join(dir, "issuer-keys.json");
      const issuer = spawnLaunch(
        registry,
        "demo-issuer",
        demoIssuerLaunch({ host: HOST, port: issuerPort, keysFile: issuerKeys }),
      );
      const issuerUrl = `http://${HOST}:${issuerPort}`;
      await waitForHttp(`${issuerUrl}/healthz`, {
        isDead: () =>
          issuer.hasExited() ? `demo issuer exited during start-up:\n${issuer.output()}` : undefined,
      });

      const configPath = join(dir, "gateway.config.yaml");
      writeBenchGatewayConfig(configPath, {
        upstreamUrl: context.upstreamUrl,
        rateLimit: true,
        jwksUrl: `${issuerUrl}/.well-known/jwks.json`,
        // Central's default: the edge signs a fresh identity token for every request.
        replayProtection: true,
      });
      const hopKey = generateHopSecret("bench-hop-1");
      const central = await startCentral(context, { name: "edge-central", configPath, hopKey });

      const edgePort = await freePort();
      const edgeLaunch: Launch =
        runtime === "workerd"
          ? prepareSelfHostedLaunch({
              host: HOST,
              port: edgePort,
              stateDir: join(dir, "self-hosted"),
              configPath,
              centralUrl: central.baseUrl,
              secrets: { EDGE_CENTRAL_KEYS: JSON.stringify({ keys: [hopKey] }) },
            })
          : await prepareEdgeLaunch({
              host: HOST,
              port: edgePort,
              inspectorPort: await freePort(),
              stateDir: dir,
              configPath,
              configEnv: {},
              centralUrl: central.baseUrl,
              edgeCentralKeys: { keys: [hopKey] },
              logLevel: "warn",
            });
      const edge = spawnLaunch(registry, EDGES[runtime].process, edgeLaunch, {
        env: { XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME || join(REPO_ROOT, ".dev/xdg") },
        // workerd inherits the affinity of wrangler.
        ...(context.serverCores ? { cores: context.serverCores } : {}),
      });
      const edgeUrl = `http://${HOST}:${edgePort}`;
      await waitForHttp(`${edgeUrl}/health`, {
        timeoutMs: 90_000,
        isDead: () =>
          edge.hasExited()
            ? `${EDGES[runtime].process} exited during start-up:\n${edge.output()}`
            : undefined,
      });

      const { stdout } = await run(
        process.execPath,
        [join(REPO_ROOT, "apps/demo-issuer/src/mint.ts"), "--sub", "bench-user", "--ttl", "7200"],
        { env: { ...process.env, DEMO_ISSUER_KEYS_FILE: issuerKeys }, timeout: 30_000 },
      );
      const headers = { authorization: `Bearer ${stdout.trim()}` };
      const url = `${edgeUrl}${context.path}`;
      const check = await fetch(url, { headers });
      const body = await check.text();
      if (check.status !== 200)
        throw new Error(`edge answered ${check.status} to a signed request: ${body.slice(0, 300)}`);
      return {
        id,
        label,
        url,
        headers: async () => headers,
        // wrangler's tree includes workerd; the demo issuer is idle after the first JWKS fetch.
        cpuPids: () => [edge.pid, central.child.pid],
        cpuParts: () => ({ edge: [edge.pid], central: [central.child.pid] }),
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
}

export const edgeContestant = edgeContestantFor("wrangler");
export const edgeSelfHostedContestant = edgeContestantFor("workerd");
