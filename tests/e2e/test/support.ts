import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@gateway/testing";
import { type EdgeRuntime, REPO_ROOT, type RunningStack, startStack } from "../../../scripts/stack.ts";

/** E2E_EDGE_RUNTIME=workerd runs the same tests against the self-hosted edge (vitest.workerd.config.ts). */
export const EDGE_RUNTIME: EdgeRuntime = process.env.E2E_EDGE_RUNTIME === "workerd" ? "workerd" : "wrangler";

/** A whole stack on fresh ports with its own keys, so it can run beside `./gw dev`. */
export async function startTestStack(
  configPath: string = join(REPO_ROOT, "gateway.config.yaml"),
): Promise<{ stack: RunningStack; output: string[]; metricsUrl: string }> {
  const output: string[] = [];
  // Eight distinct ports: two calls of freePort may hand out the same just-released port.
  const ports = new Set<number>();
  while (ports.size < 8) ports.add(await freePort());
  const [edge, central, demoUsers, demoIssuer, edgeInspector, demoOrders, centralAdmin, metricsPort] = [
    ...ports,
  ] as [number, number, number, number, number, number, number, number];
  try {
    const stack = await startStack({
      ports: {
        edge,
        central,
        demoUsers,
        demoIssuer,
        edgeInspector,
        demoOrders,
        centralAdmin,
        centralMetrics: metricsPort,
      },
      stateDir: mkdtempSync(join(tmpdir(), "gw-e2e-")),
      configPath,
      edgeRuntime: EDGE_RUNTIME,
      ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
      onOutput: (name, line) => output.push(`${name}: ${line}`),
    });
    return { stack, output, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
  } catch (error) {
    // The processes' last words say why a start failed (a port taken, a bad config).
    throw new Error(`${(error as Error).message}\n${output.slice(-15).join("\n")}`);
  }
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
