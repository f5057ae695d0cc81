// The floor: a minimal node:http + keep-alive http.Agent proxy with no features, the best
// Node can do on this path. Ratios to it show what the gateway's features cost.
import { fileURLToPath } from "node:url";
import { freePort } from "@gateway/testing";
import { waitForHttp } from "../lib/wait-for-http.ts";
import type { BenchContext, Contestant, ContestantDefinition } from "./contestant.ts";

const SERVER = fileURLToPath(new URL("../floor/server.ts", import.meta.url));

export const floorContestant: ContestantDefinition = {
  id: "floor",
  label: "floor (node:http proxy, no features)",
  async start(context: BenchContext): Promise<Contestant> {
    const port = await freePort();
    const child = context.registry.spawn("floor", process.execPath, [SERVER], {
      env: { PORT: String(port), UPSTREAM_URL: context.upstreamUrl, NODE_ENV: "production" },
      ...(context.serverCores ? { cores: context.serverCores } : {}),
    });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, {
      isDead: () => (child.hasExited() ? `floor exited during start-up:\n${child.output()}` : undefined),
    });
    const url = `http://127.0.0.1:${port}${context.path}`;
    const check = await fetch(url);
    await check.arrayBuffer();
    if (check.status !== 200) throw new Error(`floor answered ${check.status}`);
    return {
      id: "floor",
      label: "floor (node:http proxy, no features)",
      url,
      headers: async () => ({}),
      cpuPids: () => [child.pid],
      rssPid: () => child.pid,
      assertAlive: () => context.registry.assertAlive(child),
      stop: () => context.registry.stop(child),
    };
  },
};
