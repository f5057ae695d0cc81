// Starts the static upstream every contestant proxies to (static-server.ts) on a free port.
import { fileURLToPath } from "node:url";
import { freePort } from "@gateway/testing";
import type { Child, ProcessRegistry } from "../lib/processes.ts";
import { waitForHttp } from "../lib/wait-for-http.ts";

const SERVER = fileURLToPath(new URL("static-server.ts", import.meta.url));

export async function startStaticUpstream(registry: ProcessRegistry): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = registry.spawn("upstream", process.execPath, [SERVER], {
    env: { UPSTREAM_PORT: String(port) },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, {
    isDead: () => (child.hasExited() ? `static upstream died:\n${child.output()}` : undefined),
  });
  return { child, url };
}
