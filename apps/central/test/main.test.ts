import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHmacIdentitySigner, generateHopSecret, generateIdentityKeyPair } from "@gateway/identity";
import { freePort } from "@gateway/testing";
import { IDENTITY_HEADER } from "@gateway/types";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { testConfigYaml } from "./support/config.ts";
import { type RecordingUpstream, startUpstream } from "./support/upstream.ts";

/** The HS256 key this test's "edge" shares with central (EDGE_CENTRAL_KEYS). */
const edgeHop = generateHopSecret("edge-main-hop");

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

let dir: string;
let upstream: RecordingUpstream;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "central-main-"));
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

function run(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
  /** Resolves once main.ts logs "central listening", or exits: event-driven, no polling deadline. */
  listening: Promise<void>;
} {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let onListening = () => {};
  const listening = new Promise<void>((resolve) => {
    onListening = resolve;
  });
  const collect = (data: Buffer) => {
    output += data.toString();
    if (output.includes("central listening")) onListening();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  exit.then(onListening);
  return { child, output: () => output, exit, listening };
}

async function keyEnv() {
  const central = await generateIdentityKeyPair("central-main");
  return {
    env: {
      EDGE_CENTRAL_KEYS: JSON.stringify({ keys: [edgeHop] }),
      CENTRAL_IDENTITY_PRIVATE_JWK: JSON.stringify(central.privateJwk),
    },
  };
}

describe("main.ts", () => {
  it("exits 1 with one path-bearing line for an invalid config, no stack trace", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(
      file,
      "version: 1\nroutes:\n  - name: x\n    path: /x\n    upstream: http://127.0.0.1:1\n    bogus: 1\n",
    );
    const { env } = await keyEnv();
    const proc = run({ ...env, GATEWAY_CONFIG: file, CENTRAL_PORT: "0" });
    expect(await proc.exit).toBe(1);
    expect(proc.output()).toContain(file);
    expect(proc.output()).toContain("routes[0]");
    expect(proc.output()).not.toMatch(/\n\s+at /);
  });

  it("exits 1 naming a missing config file", async () => {
    const { env } = await keyEnv();
    const missing = join(dir, "missing.yaml");
    const proc = run({ ...env, GATEWAY_CONFIG: missing });
    expect(await proc.exit).toBe(1);
    expect(proc.output()).toContain(missing);
    expect(proc.output().trim().split("\n")).toHaveLength(1);
  });

  it("exits 1 naming the variable for a missing or bad key", async () => {
    const file = join(dir, "ok.yaml");
    await writeFile(file, testConfigYaml({ upstream: upstream.url, downUpstream: upstream.url }));
    const badKey = run({ GATEWAY_CONFIG: file, CENTRAL_IDENTITY_PRIVATE_JWK: "{}" });
    expect(await badKey.exit).toBe(1);
    expect(badKey.output()).toContain("CENTRAL_IDENTITY_PRIVATE_JWK");
    expect(badKey.output()).not.toMatch(/\n\s+at /);
    const { env } = await keyEnv();
    const { EDGE_CENTRAL_KEYS: _hop, ...withoutHopKeys } = env;
    const missing = run({ ...withoutHopKeys, GATEWAY_CONFIG: file });
    expect(await missing.exit).toBe(1);
    expect(missing.output()).toMatch(/EDGE_CENTRAL_KEYS is not set: identity.hop.algorithm is HS256/);
    expect(missing.output()).not.toMatch(/\n\s+at /);
  });

  it("exits 1 naming the variable for unusable OTEL_* or CENTRAL_METRICS_PORT values", async () => {
    const file = join(dir, "ok-otel.yaml");
    await writeFile(file, testConfigYaml({ upstream: upstream.url, downUpstream: upstream.url }));
    const { env } = await keyEnv();
    const otel = run({
      ...env,
      GATEWAY_CONFIG: file,
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
    });
    expect(await otel.exit).toBe(1);
    expect(otel.output()).toContain("OTEL_EXPORTER_OTLP_PROTOCOL");
    expect(otel.output()).not.toMatch(/\n\s+at /);
    const metrics = run({ ...env, GATEWAY_CONFIG: file, CENTRAL_METRICS_PORT: "99999" });
    expect(await metrics.exit).toBe(1);
    expect(metrics.output()).toContain("CENTRAL_METRICS_PORT");
  });

  it("with a good environment listens on CENTRAL_PORT, answers /healthz and proxies", async () => {
    const file = join(dir, "good.yaml");
    await writeFile(
      file,
      testConfigYaml({ upstream: upstream.url, downUpstream: `http://127.0.0.1:${await freePort()}` }),
    );
    const { env } = await keyEnv();
    const port = await freePort();
    const proc = run({ ...env, GATEWAY_CONFIG: file, CENTRAL_PORT: String(port), CENTRAL_HOST: "127.0.0.1" });
    try {
      await proc.listening;
      expect(proc.output()).toContain("single-replica dev mode");
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.json()).toEqual({ status: "ok" });
      const signer = await createHmacIdentitySigner({ secretJwk: edgeHop, issuer: "edge", ttlSeconds: 30 });
      const token = await signer.sign({
        identity: { sub: "bob", roles: [], scopes: [], auth: "jwt" },
        audience: "central",
        method: "GET",
        pathAndQuery: "/api/users/1",
      });
      const proxied = await fetch(`http://127.0.0.1:${port}/api/users/1`, {
        headers: { [IDENTITY_HEADER]: token },
      });
      expect(proxied.status).toBe(200);
      expect(upstream.requests.at(-1)?.url).toBe("/users/1");
    } finally {
      proc.child.kill("SIGTERM");
      await proc.exit;
    }
  });
});

describe("main.ts with REDIS_URL", () => {
  it("uses Redis: /readyz checks it and no dev-mode warning is logged", async () => {
    const file = join(dir, "redis.yaml");
    await writeFile(file, testConfigYaml({ upstream: upstream.url, downUpstream: upstream.url }));
    const { env } = await keyEnv();
    const port = await freePort();
    const proc = run({
      ...env,
      GATEWAY_CONFIG: file,
      CENTRAL_PORT: String(port),
      REDIS_URL: inject("redisUrl"),
    });
    try {
      await proc.listening;
      // Listening comes before the Redis connection is up: on a busy machine the first
      // /readyz can still say "degraded", so wait for the connection rather than race it.
      await expect
        .poll(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).json(), { timeout: 10_000 })
        .toEqual({ status: "ready", checks: ["redis"] });
      expect(proc.output()).not.toContain("single-replica dev mode");
    } finally {
      proc.child.kill("SIGTERM");
      await proc.exit;
    }
  });
});
