// A throwaway redis-server for the bench: no persistence, loopback only.
import { connect } from "node:net";
import { freePort } from "./net.ts";
import type { Child, ProcessRegistry } from "./processes.ts";

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

export async function startRedis(
  registry: ProcessRegistry,
  options: { redisServer: string; dir: string },
): Promise<{ url: string; child: Child }> {
  const port = await freePort();
  const child = registry.spawn("redis-server", options.redisServer, [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    options.dir,
  ]);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    registry.assertAlive(child);
    if (await ping(port)) return { url: `redis://127.0.0.1:${port}`, child };
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error(`redis-server did not answer PING on port ${port}:\n${child.output()}`);
}
