import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@gateway/testing";
import { REPO_ROOT, type RunningStack, startStack } from "../../../scripts/stack.ts";

/** A whole stack on fresh ports with its own keys, so it can run beside `./gw dev`. */
export async function startTestStack(
  configPath: string = join(REPO_ROOT, "gateway.config.yaml"),
): Promise<{ stack: RunningStack; output: string[]; metricsUrl: string }> {
  const output: string[] = [];
  const metricsPort = await freePort();
  const stack = await startStack({
    ports: {
      edge: await freePort(),
      central: await freePort(),
      demoUsers: await freePort(),
      demoIssuer: await freePort(),
      edgeInspector: await freePort(),
      demoOrders: await freePort(),
      centralAdmin: await freePort(),
    },
    stateDir: mkdtempSync(join(tmpdir(), "gw-e2e-")),
    configPath,
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    onOutput: (name, line) => output.push(`${name}: ${line}`),
    extraCentralEnv: { CENTRAL_METRICS_PORT: String(metricsPort) },
  });
  return { stack, output, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

export async function mintToken(
  stack: RunningStack,
  claims: { sub: string; roles?: string[]; scopes?: string[]; ttlSeconds?: number },
): Promise<string> {
  const response = await fetch(`${stack.urls.demoIssuer}/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(claims),
  });
  if (!response.ok) throw new Error(`issuer answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
