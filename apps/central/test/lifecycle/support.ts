import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHmacIdentitySigner, generateHopSecret, generateIdentityKeyPair } from "@gateway/identity";
import { freePort, listen } from "@gateway/testing";
import { IDENTITY_HEADER } from "@gateway/types";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
const hop = generateHopSecret("edge-lifecycle-hop");

/** A config with one route `svc` (/api/svc → `upstream`, prefix replaced by /). */
export function lifecycleConfig(upstream: string, extraRoutes = ""): string {
  return `version: 1
identity: { ttlSeconds: 30, clockSkewSeconds: 5, replayProtection: false }
jwt:
  issuers:
    - { name: test, issuer: https://issuer.test, jwksUrl: http://127.0.0.1:9/jwks.json, audiences: [api], algorithms: [ES256] }
limits: { headersTimeoutMs: 20000, requestTimeoutMs: 60000, keepAliveTimeoutMs: 30000 }
routes:
  - { name: svc, path: /api/svc, auth: any, upstream: "${upstream}", rewrite: /, timeoutMs: 60000 }
${extraRoutes}`;
}

/** An upstream that answers `{"served":name}`; requests to /slow wait until `release()`. */
export interface NamedUpstream {
  url: string;
  /** Resolves once a /slow request has arrived (and is held). */
  held(): Promise<void>;
  release(): void;
  /** TCP connections open to this upstream right now (central's pooled keep-alive sockets). */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startNamedUpstream(name: string): Promise<NamedUpstream> {
  const waiting: http.ServerResponse[] = [];
  let onHeld = () => {};
  let heldPromise = new Promise<void>((resolve) => {
    onHeld = resolve;
  });
  const answer = (res: http.ServerResponse) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ served: name }));
  };
  const server = http.createServer((req, res) => {
    req.resume();
    if (req.url?.startsWith("/slow")) {
      waiting.push(res);
      onHeld();
      return;
    }
    answer(res);
  });
  // Idle sockets stay open on this side: only central closing its pool closes them.
  server.keepAliveTimeout = 120_000;
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const { url } = await listen(server);
  return {
    url,
    openConnections: () => sockets.size,
    held: () => heldPromise,
    release() {
      for (const res of waiting.splice(0)) answer(res);
      heldPromise = new Promise<void>((resolve) => {
        onHeld = resolve;
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export interface LifecycleCentral {
  url: string;
  port: number;
  configFile: string;
  child: ChildProcess;
  exit: Promise<number | null>;
  output(): string;
  /** Log lines (parsed JSON) whose `msg` is `msg`, in order. */
  logs(msg: string): Array<Record<string, unknown>>;
  /** Resolves with the `count`-th log line whose msg is `msg` (event-driven, on the child's output). */
  waitForLog(msg: string, count?: number): Promise<Record<string, unknown>>;
  /** GET `path` with a fresh edge identity token. */
  get(
    path: string,
    init?: { agent?: http.Agent },
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>;
  token(method: string, path: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** `node src/main.ts` on a config file of its own; resolves once it logs "central listening". */
export async function startLifecycleCentral(
  configYaml: string,
  env: Record<string, string> = {},
): Promise<LifecycleCentral> {
  const dir = await mkdtemp(join(tmpdir(), "central-lifecycle-"));
  const configFile = join(dir, "gateway.config.yaml");
  await writeFile(configFile, configYaml);
  const centralKey = await generateIdentityKeyPair("central-lifecycle");
  const signer = await createHmacIdentitySigner({ secretJwk: hop, issuer: "edge", ttlSeconds: 30 });
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      GATEWAY_CONFIG: configFile,
      CENTRAL_PORT: String(port),
      CENTRAL_HOST: "127.0.0.1",
      EDGE_CENTRAL_KEYS: JSON.stringify({ keys: [hop] }),
      CENTRAL_IDENTITY_PRIVATE_JWK: JSON.stringify(centralKey.privateJwk),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const watchers: Array<() => void> = [];
  const collect = (chunk: Buffer) => {
    text += chunk.toString();
    for (const check of [...watchers]) check();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  // "close", not "exit": it comes after the last output, so a log line written just before exit is seen.
  const exit = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const logs = (msg: string) =>
    text
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === msg);
  const waitForLog = (msg: string, count = 1) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = logs(msg)[count - 1];
        if (found === undefined) return;
        watchers.splice(watchers.indexOf(check), 1);
        resolve(found);
      };
      watchers.push(check);
      void exit.then((code) => reject(new Error(`central exited (${code}) before "${msg}":\n${text}`)));
      check();
    });
  const url = `http://127.0.0.1:${port}`;
  const token = (method: string, path: string) =>
    signer.sign({
      identity: { sub: "lifecycle", roles: [], scopes: [], auth: "jwt" },
      audience: "central",
      method,
      pathAndQuery: path,
    });
  const central: LifecycleCentral = {
    url,
    port,
    configFile,
    child,
    exit,
    output: () => text,
    logs,
    waitForLog,
    token,
    async get(path, init = {}) {
      const identity = await token("GET", path);
      return new Promise((resolve, reject) => {
        const req = http.get(
          `${url}${path}`,
          { headers: { [IDENTITY_HEADER]: identity }, ...(init.agent ? { agent: init.agent } : {}) },
          (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
              body += chunk;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
            res.on("error", reject);
          },
        );
        req.on("error", reject);
      });
    },
    async cleanup() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exit;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  await waitForLog("central listening");
  return central;
}
