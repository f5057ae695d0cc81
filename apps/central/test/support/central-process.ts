import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHmacIdentitySigner, generateHopSecret, generateIdentityKeyPair } from "@gateway/identity";
import { freePort } from "@gateway/testing";
import { IDENTITY_HEADER } from "@gateway/types";

/** The HS256 key this test's "edge" shares with central (EDGE_CENTRAL_KEYS). */
const edgeHop = generateHopSecret("edge-p-hop");

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export interface CentralProcess {
  url: string;
  /** A fresh edge identity token for GET `path`, as consumer `sub`. */
  token(path: string, sub: string): Promise<string>;
  get(path: string, token: string): Promise<Response>;
  logs(): string[];
  stop(): Promise<void>;
}

/**
 * `node src/main.ts` with `configYaml`, on REDIS_URL when given as a string, or with
 * the given Redis variables (REDIS_SENTINELS, REDIS_CLUSTER_NODES, ...); else
 * in-process stores; `extraEnv` on top. Resolves once /readyz is 200.
 */
export async function startCentralProcess(
  configYaml: string,
  redis?: string | Record<string, string>,
  extraEnv: Record<string, string> = {},
): Promise<CentralProcess> {
  const dir = await mkdtemp(join(tmpdir(), "central-process-"));
  await writeFile(join(dir, "gateway.config.yaml"), configYaml);
  const centralKey = await generateIdentityKeyPair("central-p");
  const signer = await createHmacIdentitySigner({ secretJwk: edgeHop, issuer: "edge", ttlSeconds: 30 });
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      GATEWAY_CONFIG: join(dir, "gateway.config.yaml"),
      CENTRAL_PORT: String(port),
      CENTRAL_HOST: "127.0.0.1",
      EDGE_CENTRAL_KEYS: JSON.stringify({ keys: [edgeHop] }),
      CENTRAL_IDENTITY_PRIVATE_JWK: JSON.stringify(centralKey.privateJwk),
      ...(typeof redis === "string" ? { REDIS_URL: redis } : (redis ?? {})),
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exit = new Promise((resolve) => child.once("exit", resolve));
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill("SIGTERM");
    await exit;
    await rm(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 200; attempt++) {
    const ready = await fetch(`${url}/readyz`).catch(() => undefined);
    if (ready?.status === 200) {
      return {
        url,
        token: (path, sub) =>
          signer.sign({
            identity: { sub, roles: [], scopes: [], auth: "jwt" },
            audience: "central",
            method: "GET",
            pathAndQuery: path,
          }),
        get: (path, token) =>
          fetch(`${url}${path}`, {
            headers: { [IDENTITY_HEADER]: token },
            signal: AbortSignal.timeout(5000),
          }),
        logs: () => lines,
        stop,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`central did not become ready:\n${lines.join("\n")}`);
}
