import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateHopSecret, generateIdentityKeyPair } from "@gateway/identity";
import { freePort } from "@gateway/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPki, type TestPki } from "./support/certs.ts";
import { securityConfigYaml } from "./support/config.ts";
import { sendRaw } from "./support/raw.ts";

/** The HS256 key this test's "edge" shares with central (EDGE_CENTRAL_KEYS). */
const edgeHop = generateHopSecret("e-hop");

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

let dir: string;
let configFile: string;
let pki: TestPki;
let keys: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "central-sec-main-"));
  configFile = join(dir, "gateway.config.yaml");
  await writeFile(configFile, securityConfigYaml({ upstream: "http://127.0.0.1:9" }));
  pki = createTestPki();
  const central = await generateIdentityKeyPair("c");
  keys = {
    EDGE_CENTRAL_KEYS: JSON.stringify({ keys: [edgeHop] }),
    CENTRAL_IDENTITY_PRIVATE_JWK: JSON.stringify(central.privateJwk),
  };
}, 30_000);
afterAll(async () => {
  pki?.remove();
  await rm(dir, { recursive: true, force: true });
});

/** Starts main.ts and resolves once it logs that it listens (or exits). */
async function start(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      ...keys,
      GATEWAY_CONFIG: configFile,
      CENTRAL_HOST: "127.0.0.1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (data: Buffer) => {
    output += data.toString();
  });
  child.stderr?.on("data", (data: Buffer) => {
    output += data.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Event-driven (no wall-clock cap): a loaded machine can take seconds to start Node.
  await new Promise<void>((resolve) => {
    const listening = () => {
      if (output.includes("central listening")) resolve();
    };
    child.stdout?.on("data", listening);
    child.stderr?.on("data", listening);
    child.once("exit", () => resolve());
  });
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

describe("main.ts reads the network-hardening environment", () => {
  it("CENTRAL_ALLOWED_CIDRS excluding the caller → 403 on /healthz", async () => {
    const port = await freePort();
    const proc = await start({ CENTRAL_PORT: String(port), CENTRAL_ALLOWED_CIDRS: "10.0.0.0/8" });
    try {
      expect(proc.output()).toContain('"allowedNetworks":["10.0.0.0/8"]');
      const response = await sendRaw(port, "GET /healthz HTTP/1.1\r\nHost: c\r\n\r\n");
      expect(response.status).toBe(403);
    } finally {
      await proc.stop();
    }
  });

  it("CENTRAL_TLS_* → an mTLS listener", async () => {
    const port = await freePort();
    const proc = await start({
      CENTRAL_PORT: String(port),
      CENTRAL_TLS_CERT_FILE: pki.paths.serverCert,
      CENTRAL_TLS_KEY_FILE: pki.paths.serverKey,
      CENTRAL_TLS_CLIENT_CA_FILE: pki.paths.caCert,
      CENTRAL_MAX_CONNECTIONS: "100",
    });
    try {
      expect(proc.output()).toContain('"tls":"mutual"');
      expect(proc.output()).toContain('"maxConnections":100');
      const response = await sendRaw(port, "GET /healthz HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n", {
        tls: { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey, servername: "localhost" },
      });
      expect(response.status).toBe(200);
    } finally {
      await proc.stop();
    }
  });

  it("bad values stop start-up with the variable named", async () => {
    for (const [env, name] of [
      [{ CENTRAL_ALLOWED_CIDRS: "10.0.0.0/40" }, "CENTRAL_ALLOWED_CIDRS"],
      [{ CENTRAL_MAX_CONNECTIONS: "lots" }, "CENTRAL_MAX_CONNECTIONS"],
      [{ CENTRAL_TLS_CERT_FILE: pki.paths.serverCert }, "CENTRAL_TLS_KEY_FILE"],
      [
        { CENTRAL_TLS_CERT_FILE: join(dir, "nope.crt"), CENTRAL_TLS_KEY_FILE: pki.paths.serverKey },
        "CENTRAL_TLS_CERT_FILE",
      ],
    ] as const) {
      const proc = await start({ CENTRAL_PORT: "0", ...env });
      await proc.stop();
      expect(proc.child.exitCode, name).toBe(1);
      expect(proc.output(), name).toContain(name);
      expect(proc.output()).not.toMatch(/\n\s+at /);
    }
    // Four Node start-ups in a row: generous for a loaded machine; start() itself waits on events.
  }, 60_000);
});
