// Three real central replicas (separate `node src/main.ts` processes) sharing
// one Redis: a concurrent burst of 3 × limit spread across them admits exactly
// `limit`, for every algorithm, also when the replicas' clocks disagree.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createHmacIdentitySigner,
  generateHopSecret,
  generateIdentityKeyPair,
  type IdentitySigner,
} from "@gateway/identity";
import { freePort } from "@gateway/testing";
import { IDENTITY_HEADER, RATE_LIMIT_ALGORITHMS, type RateLimitAlgorithm } from "@gateway/types";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { testIdentityYaml } from "./support/config.ts";
import { type RecordingUpstream, startUpstream } from "./support/upstream.ts";

/** The HS256 key this test's "edge" shares with central (EDGE_CENTRAL_KEYS). */
const edgeHop = generateHopSecret("edge-r-hop");

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const SKEW_CLOCK = fileURLToPath(new URL("./support/skew-clock.ts", import.meta.url));
const ALGORITHMS = RATE_LIMIT_ALGORITHMS;
const LIMIT = 10;

interface Replica {
  url: string;
  child: ChildProcess;
  exit: Promise<unknown>;
}

let dir: string;
let upstream: RecordingUpstream;
let signer: IdentitySigner;
let centralEnv: Record<string, string>;

function configYaml(upstreamUrl: string): string {
  // Long windows: the burst must never straddle a fixed-window boundary or see a refill.
  const policies = ALGORITHMS.map(
    (algorithm) =>
      `    - { name: ${algorithm}, algorithm: ${algorithm}, limit: ${LIMIT}, windowSeconds: 3600, key: [consumer], failMode: closed }`,
  ).join("\n");
  const routes = ALGORITHMS.map(
    (algorithm) =>
      `  - { name: ${algorithm}, path: /${algorithm}, methods: [GET], auth: jwt, upstream: ${upstreamUrl}, rateLimit: [${algorithm}] }`,
  ).join("\n");
  return `${testIdentityYaml({})}
rateLimits:
  policies:
${policies}
routes:
${routes}
`;
}

async function startReplica(configFile: string, skewMs: number): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", SKEW_CLOCK, MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      ...centralEnv,
      GATEWAY_CONFIG: configFile,
      CENTRAL_PORT: String(port),
      CENTRAL_HOST: "127.0.0.1",
      REDIS_URL: inject("redisUrl"),
      // The test counts outcomes: on a loaded machine a healthy Redis call can outlast the
      // 250 ms default and turn into a fail-closed 503, which is not what is measured here.
      REDIS_TIMEOUT_MS: "2000",
      LOG_LEVEL: "warn",
      SKEW_MS: String(skewMs),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exit = new Promise((resolve) => child.once("exit", resolve));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { url, child, exit };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGKILL");
  throw new Error("central replica did not become ready");
}

async function stopReplicas(replicas: Replica[]): Promise<void> {
  for (const replica of replicas) replica.child.kill("SIGTERM");
  await Promise.all(replicas.map((replica) => replica.exit));
}

async function burst(
  replicas: Replica[],
  algorithm: RateLimitAlgorithm,
  consumer: string,
): Promise<number[]> {
  const path = `/${algorithm}`;
  const requests = Array.from({ length: 3 * LIMIT }, async (_, index) => {
    const token = await signer.sign({
      identity: { sub: consumer, roles: [], scopes: [], auth: "jwt" },
      audience: "central",
      method: "GET",
      pathAndQuery: path,
    });
    const replica = replicas[index % replicas.length] as Replica;
    const response = await fetch(`${replica.url}${path}`, { headers: { [IDENTITY_HEADER]: token } });
    await response.arrayBuffer();
    return response.status;
  });
  return Promise.all(requests);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "central-replicas-"));
  upstream = await startUpstream();
  const central = await generateIdentityKeyPair("central-r");
  centralEnv = {
    EDGE_CENTRAL_KEYS: JSON.stringify({ keys: [edgeHop] }),
    CENTRAL_IDENTITY_PRIVATE_JWK: JSON.stringify(central.privateJwk),
  };
  signer = await createHmacIdentitySigner({ secretJwk: edgeHop, issuer: "edge", ttlSeconds: 30 });
  await writeFile(join(dir, "gateway.config.yaml"), configYaml(upstream.url));
});

afterAll(async () => {
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each([
  { clocks: "in sync", skews: [0, 0, 0] },
  // Within the identity token's clock skew (5 s), so tokens verify everywhere;
  // the limiter itself reads Redis TIME, so its decisions must not move at all.
  { clocks: "skewed by ±3 s", skews: [-3000, 0, 3000] },
])("three central replicas, one Redis, clocks $clocks", ({ skews }) => {
  let replicas: Replica[] = [];

  beforeAll(async () => {
    replicas = await Promise.all(skews.map((skew) => startReplica(join(dir, "gateway.config.yaml"), skew)));
  }, 30_000);

  afterAll(async () => {
    await stopReplicas(replicas);
  });

  it.each(ALGORITHMS)("%s admits exactly the limit of a 3 × limit burst", async (algorithm) => {
    const statuses = await burst(replicas, algorithm, `burst-${randomUUID()}`);
    expect(statuses.filter((status) => status === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(2 * LIMIT);
  });
});
