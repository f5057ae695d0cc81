import { once } from "node:events";
import net from "node:net";
import { type RedisServerHandle, startRedisServer } from "@gateway/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type LifecycleCentral,
  lifecycleConfig,
  type NamedUpstream,
  startLifecycleCentral,
  startNamedUpstream,
} from "./support.ts";

let service: NamedUpstream;
let redisServer: RedisServerHandle;
let observer: Redis;
const started: LifecycleCentral[] = [];

beforeAll(async () => {
  service = await startNamedUpstream("svc");
  // A Redis of this file's own: CLIENT LIST then shows central's connections and the observer's only.
  redisServer = await startRedisServer();
  observer = new Redis(redisServer.url, { connectionName: "observer" });
});
afterEach(async () => {
  for (const central of started.splice(0)) await central.cleanup();
});
afterAll(async () => {
  observer?.disconnect();
  await redisServer?.kill();
  await service?.close();
});

/** Connections to the private Redis other than the observer's. */
async function centralRedisConnections(): Promise<number> {
  const list = (await observer.client("LIST")) as string;
  return list.split("\n").filter((line) => line.includes("addr=") && !line.includes("name=observer")).length;
}

/** A connection that has sent part of a request's headers: not idle, so shutdown keeps it. */
async function partialRequest(central: LifecycleCentral, path: string): Promise<net.Socket> {
  const socket = net.connect(central.port, "127.0.0.1");
  await once(socket, "connect");
  socket.write(`GET ${path} HTTP/1.1\r\nHost: central\r\n`);
  return socket;
}

function readAll(socket: net.Socket): Promise<string> {
  let text = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    text += chunk;
  });
  return new Promise((resolve) => socket.once("close", () => resolve(text)));
}

async function idleKeepAliveConnection(central: LifecycleCentral): Promise<net.Socket> {
  const socket = net.connect(central.port, "127.0.0.1");
  await once(socket, "connect");
  socket.write("GET /healthz HTTP/1.1\r\nHost: central\r\n\r\n");
  await once(socket, "data");
  return socket;
}

describe("graceful shutdown on SIGTERM", () => {
  it("drains an in-flight request, answers /readyz 503, refuses new connections, closes Redis, exits 0", async () => {
    const central = await startLifecycleCentral(lifecycleConfig(service.url), { REDIS_URL: redisServer.url });
    started.push(central);
    await expect.poll(centralRedisConnections).toBeGreaterThan(0);

    const slow = central.get("/api/svc/slow");
    await service.held();
    const idle = await idleKeepAliveConnection(central);
    const idleClosed = once(idle, "close");
    const probe = await partialRequest(central, "/readyz");
    const probeAnswer = readAll(probe);

    central.child.kill("SIGTERM");
    const draining = await central.waitForLog("draining: no new connections, waiting for in-flight requests");
    expect(draining).toMatchObject({ signal: "SIGTERM", inFlight: 1, drainTimeoutMs: 25_000 });
    await idleClosed;

    // A request that was already on its way when draining began: /readyz is 503, and the connection closes.
    probe.write("\r\n");
    const answer = await probeAnswer;
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer.toLowerCase()).toContain("connection: close");
    expect(answer).toContain('"code":"service_unavailable"');
    expect(answer).toContain("draining");

    const refused = net.connect(central.port, "127.0.0.1");
    const [error] = (await once(refused, "error")) as [NodeJS.ErrnoException];
    expect(error.code).toBe("ECONNREFUSED");

    service.release();
    const finished = await slow;
    expect(finished.status).toBe(200);
    expect(JSON.parse(finished.body)).toEqual({ served: "svc" });
    expect(finished.headers.connection).toBe("close");

    expect(await central.exit).toBe(0);
    expect(central.logs("shutdown complete")).toHaveLength(1);
    await expect.poll(centralRedisConnections).toBe(0);
  });

  it("SIGINT drains the same way", async () => {
    const central = await startLifecycleCentral(lifecycleConfig(service.url));
    started.push(central);
    central.child.kill("SIGINT");
    expect(await central.exit).toBe(0);
    expect(central.logs("draining: no new connections, waiting for in-flight requests")[0]).toMatchObject({
      signal: "SIGINT",
      inFlight: 0,
    });
  });

  it("cuts requests still in flight at CENTRAL_DRAIN_TIMEOUT_MS and exits 1", async () => {
    const central = await startLifecycleCentral(lifecycleConfig(service.url), {
      CENTRAL_DRAIN_TIMEOUT_MS: "300",
    });
    started.push(central);
    const slow = central.get("/api/svc/slow").catch((error: NodeJS.ErrnoException) => error.code);
    await service.held();
    central.child.kill("SIGTERM");
    expect(await central.exit).toBe(1);
    expect(await slow).toBe("ECONNRESET");
    expect(central.logs("drain deadline passed: closing the remaining connections")[0]).toMatchObject({
      inFlight: 1,
    });
    expect(central.logs("shutdown forced")).toHaveLength(1);
    service.release();
  });
});
