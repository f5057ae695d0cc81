// Our central tier on its own (no edge): wrk sends an edge identity token
// signed with a key central trusts, bound to GET + the bench path. With replay
// protection on (central's default, the full path) every request carries a
// fresh token; with it off, one token per round.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateHopSecret, generateIdentityKeyPair, type HopSecretJwk } from "@gateway/identity";
import { createNodeHmacIdentitySigner } from "@gateway/identity/node";
import { freePort } from "@gateway/testing";
import { writeBenchGatewayConfig } from "../lib/gateway-config.ts";
import type { Child } from "../lib/processes.ts";
import { waitForHttp } from "../lib/wait-for-http.ts";
import type { BenchContext, Contestant, ContestantDefinition, SingleUseHeader } from "./contestant.ts";
import { SkipContestant } from "./contestant.ts";

export const CENTRAL_DIR = fileURLToPath(new URL("../../apps/central", import.meta.url));
const IDENTITY_HEADER = "x-gateway-identity";
/** The node flags of central's start script (apps/central/package.json) and image: the bench measures what ships. */
const CENTRAL_START_FLAGS = ["--max-semi-space-size=16"];
const PLACEHOLDER_JWKS = "http://127.0.0.1:9/.well-known/jwks.json";

export interface StartedCentral {
  child: Child;
  baseUrl: string;
}

/** Starts `node apps/central/src/main.ts` with a generated config; resolves once /healthz answers. */
export async function startCentral(
  context: BenchContext,
  options: {
    name: string;
    configPath: string;
    /** The HS256 key central shares with the (simulated) edge: EDGE_CENTRAL_KEYS, the default hop. */
    hopKey: HopSecretJwk;
    env?: Record<string, string>;
    centralDir?: string;
  },
): Promise<StartedCentral> {
  const centralDir = options.centralDir ?? CENTRAL_DIR;
  if (!existsSync(join(centralDir, "src/main.ts"))) {
    throw new SkipContestant(`${centralDir}/src/main.ts does not exist`);
  }
  const centralKeys = await generateIdentityKeyPair("bench-central-1");
  const port = await freePort();
  const child = context.registry.spawn(
    options.name,
    process.execPath,
    [...CENTRAL_START_FLAGS, ...context.centralNodeFlags, "src/main.ts"],
    {
      cwd: centralDir,
      env: {
        NODE_ENV: "production",
        GATEWAY_CONFIG: options.configPath,
        CENTRAL_PORT: String(port),
        CENTRAL_HOST: "127.0.0.1",
        REDIS_URL: context.redisUrl,
        EDGE_CENTRAL_KEYS: JSON.stringify({ keys: [options.hopKey] }),
        CENTRAL_IDENTITY_PRIVATE_JWK: JSON.stringify(centralKeys.privateJwk),
        ...options.env,
      },
      ...(context.serverCores ? { cores: context.serverCores } : {}),
    },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  // /readyz, not /healthz: central answers before its Redis connection is up, and the first check request would get 503.
  await waitForHttp(`${baseUrl}/readyz`, {
    isDead: () => (child.hasExited() ? `central exited during start-up:\n${child.output()}` : undefined),
  });
  return { child, baseUrl };
}

interface CentralVariant {
  id: string;
  label: string;
  rateLimit: boolean;
  /** identity.replayProtection: true means a fresh token per request. */
  replayProtection: boolean;
  /** apps/central of another checkout (A/B runs); default this one. */
  centralDir?: string;
  /** Extra env: e.g. a quieter log level when optional features are off. */
  env: Record<string, string>;
  /** routes[].serviceToken; default per-request. */
  serviceToken?: "per-request" | "reuse";
}

function centralContestant(variant: CentralVariant): ContestantDefinition {
  return {
    id: variant.id,
    label: variant.label,
    async start(context: BenchContext): Promise<Contestant> {
      const dir = join(context.tmpDir, variant.id);
      mkdirSync(dir, { recursive: true });
      const configPath = join(dir, "gateway.config.yaml");
      writeBenchGatewayConfig(configPath, {
        upstreamUrl: context.upstreamUrl,
        rateLimit: variant.rateLimit,
        jwksUrl: PLACEHOLDER_JWKS,
        replayProtection: variant.replayProtection,
        ...(variant.serviceToken === undefined ? {} : { serviceToken: variant.serviceToken }),
      });
      const hopKey = generateHopSecret("bench-hop-1");
      const { child, baseUrl } = await startCentral(context, {
        name: variant.id,
        configPath,
        hopKey,
        env: variant.env,
        ...(variant.centralDir === undefined ? {} : { centralDir: variant.centralDir }),
      });
      const signer = await createNodeHmacIdentitySigner({
        secretJwk: hopKey,
        issuer: "edge",
        ttlSeconds: 300,
      });
      const sign = () =>
        signer.sign({
          identity: { sub: "bench-user", roles: [], scopes: [], auth: "jwt" },
          audience: "central",
          method: "GET",
          pathAndQuery: context.path,
          clientIp: "127.0.0.1",
        });
      const url = `${baseUrl}${context.path}`;
      const token = await sign();
      await expectStatus(url, token, 200, variant.id);
      // A replayed token must be refused, else the numbers would not be of the configured path.
      if (variant.replayProtection) await expectStatus(url, token, 401, `${variant.id} (replayed token)`);
      const singleUseHeader: SingleUseHeader = {
        name: IDENTITY_HEADER,
        mint: async (count) => {
          const tokens: string[] = [];
          for (let i = 0; i < count; i++) tokens.push(await sign());
          return tokens;
        },
      };
      const headers = async (): Promise<Record<string, string>> =>
        variant.replayProtection ? {} : { [IDENTITY_HEADER]: await sign() };
      return {
        id: variant.id,
        label: variant.label,
        url,
        headers,
        ...(variant.replayProtection ? { singleUseHeader } : {}),
        cpuPids: () => [child.pid],
        rssPid: () => child.pid,
        assertAlive: () => context.registry.assertAlive(child),
        stop: () => context.registry.stop(child),
      };
    },
  };
}

async function expectStatus(url: string, token: string, expected: number, what: string): Promise<void> {
  const response = await fetch(url, { headers: { [IDENTITY_HEADER]: token } });
  const body = await response.text();
  if (response.status !== expected) {
    throw new Error(`${what} answered ${response.status}, expected ${expected}: ${body.slice(0, 300)}`);
  }
}

/** Central's defaults: replay protection on (a fresh token per request), a Redis rate-limit policy, access log on. */
export const centralFullContestant = centralContestant({
  id: "central",
  label: "central, full path",
  rateLimit: true,
  replayProtection: true,
  env: {},
});

/** The full path with `serviceToken: reuse` on the route: one service token per identity, reused. */
export const centralReuseContestant = centralContestant({
  id: "central-reuse",
  label: "central, full path, serviceToken: reuse",
  rateLimit: true,
  replayProtection: true,
  serviceToken: "reuse",
  env: {},
});

/**
 * Optional features off: replay protection off (one token per round), no
 * rate-limit policy, access log off. Identity verification stays (security boundary).
 */
export const centralLeanContestant = centralContestant({
  id: "central-lean",
  label: "central, features off",
  rateLimit: false,
  replayProtection: false,
  env: { LOG_LEVEL: "warn" },
});

/**
 * A/B runs against other checkouts of apps/central in one interleaved run:
 * BENCH_CENTRAL_VARIANTS="before=/tmp/old/apps/central after=/work/main/apps/central"
 * adds contestants `central@before` and `central@after` (full path, same config,
 * so the checkouts must support one round trip per request with replay protection).
 * `+NAME=VALUE` after the path sets env for that variant only, e.g. the same tree
 * twice: "log=/work/main/apps/central nolog=/work/main/apps/central+LOG_LEVEL=warn".
 */
export function centralVariantsFromEnv(spec: string | undefined): ContestantDefinition[] {
  if (spec === undefined || spec.trim() === "") return [];
  return spec
    .trim()
    .split(/\s+/)
    .map((pair) => {
      const at = pair.indexOf("=");
      if (at <= 0) throw new Error(`BENCH_CENTRAL_VARIANTS: "${pair}" is not name=/path/to/apps/central`);
      const name = pair.slice(0, at);
      const [centralDir = "", ...assignments] = pair.slice(at + 1).split("+");
      const env: Record<string, string> = {};
      for (const assignment of assignments) {
        const eq = assignment.indexOf("=");
        if (eq <= 0)
          throw new Error(`BENCH_CENTRAL_VARIANTS: "${assignment}" in "${pair}" is not NAME=VALUE`);
        env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
      }
      return centralContestant({
        id: `central@${name}`,
        label: `central@${name}`,
        rateLimit: true,
        replayProtection: true,
        env,
        centralDir,
      });
    });
}
