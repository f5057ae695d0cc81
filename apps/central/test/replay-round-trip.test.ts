// Replay protection on (the default) with a rate limit: a real central process
// settles the replay check in the rate-limit script, so a limited request costs
// one Redis round trip, an unlimited one one SET NX, and a replayed token is
// refused without consuming its owner's quota (with Redis and in process).
import { randomUUID } from "node:crypto";
import { type RedisServerHandle, startRedisServer } from "@gateway/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CentralProcess, startCentralProcess } from "./support/central-process.ts";
import { testIdentityYaml } from "./support/config.ts";
import { type RecordingUpstream, startUpstream } from "./support/upstream.ts";

const LIMIT = 5;

function configYaml(upstreamUrl: string): string {
  return `${testIdentityYaml({})}
rateLimits:
  policies:
    - { name: quota, algorithm: fixed_window, limit: ${LIMIT}, windowSeconds: 3600, key: [consumer], failMode: closed }
routes:
  - { name: limited, path: /limited, methods: [GET], auth: jwt, upstream: ${upstreamUrl}, rateLimit: [quota] }
  - { name: free, path: /free, methods: [GET], auth: jwt, upstream: ${upstreamUrl} }
`;
}

/** `r=` of the RateLimit header. */
function remaining(response: Response): number {
  const match = /;r=(\d+);/.exec(response.headers.get("ratelimit") ?? "");
  if (match === null) throw new Error(`no RateLimit header (status ${response.status})`);
  return Number(match[1]);
}

async function expectReplayRejected(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get("ratelimit")).toBeNull();
  expect(await response.json()).toMatchObject({
    error: { code: "invalid_identity", message: "identity token has already been used" },
  });
}

let upstream: RecordingUpstream;
let redisServer: RedisServerHandle;
beforeAll(async () => {
  upstream = await startUpstream();
  // private: the command counts below must see only this central's commands
  redisServer = await startRedisServer();
});
afterAll(async () => {
  await redisServer?.kill();
  await upstream?.close();
});

describe.each(["redis", "in process"] as const)("replay check folded into the rate limit (%s)", (store) => {
  let central: CentralProcess;
  beforeAll(async () => {
    central = await startCentralProcess(
      configYaml(upstream.url),
      store === "redis" ? redisServer.url : undefined,
    );
  }, 20_000);
  afterAll(() => central?.stop());

  it("refuses a replayed token on a limited route with 401 and leaves its owner's quota untouched", async () => {
    const sub = `owner-${randomUUID()}`;
    const token = await central.token("/limited", sub);
    const first = await central.get("/limited", token);
    expect(first.status).toBe(200);
    expect(remaining(first)).toBe(LIMIT - 1);
    await first.arrayBuffer();

    const forwardedBefore = upstream.requests.length;
    for (let i = 0; i < 3; i++) await expectReplayRejected(await central.get("/limited", token));
    expect(upstream.requests.length).toBe(forwardedBefore);

    const next = await central.get("/limited", await central.token("/limited", sub));
    expect(next.status).toBe(200);
    expect(remaining(next)).toBe(LIMIT - 2);
    await next.arrayBuffer();
  });

  it("refuses a replayed token on a route without a policy", async () => {
    const token = await central.token("/free", `free-${randomUUID()}`);
    const first = await central.get("/free", token);
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    await expectReplayRejected(await central.get("/free", token));
  });

  it("a replayed token is still refused once its owner is over the limit (401, not 429)", async () => {
    const sub = `spent-${randomUUID()}`;
    const tokens = await Promise.all(Array.from({ length: LIMIT + 1 }, () => central.token("/limited", sub)));
    const statuses = [];
    for (const token of tokens) {
      const response = await central.get("/limited", token);
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([...Array(LIMIT).fill(200), 429]);
    await expectReplayRejected(await central.get("/limited", tokens[0] as string));
  });
});

describe("Redis round trips per request, replay protection on", () => {
  let central: CentralProcess;
  let monitor: Redis;
  let probe: Redis;
  const commands: Array<{ name: string; args: string[]; source: string }> = [];
  let awaitedMarker: { value: string; seen: () => void } | undefined;
  beforeAll(async () => {
    central = await startCentralProcess(configYaml(upstream.url), redisServer.url);
    // warm-up: loads the script (EVALSHA → NOSCRIPT → EVAL happens at most once per Redis)
    for (const path of ["/limited", "/free"]) {
      const response = await central.get(path, await central.token(path, "warm-up"));
      await response.arrayBuffer();
    }
    // The test's own connections are named, so only central's commands are counted: a client's
    // connection handshake (INFO, CLIENT SETNAME) would otherwise show up as a "round trip".
    probe = new Redis(redisServer.url, { connectionName: "test-probe" });
    monitor = await new Redis(redisServer.url, {
      connectionName: "test-monitor",
      lazyConnect: true,
    }).monitor();
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      const name = String(args[0]).toLowerCase();
      if (awaitedMarker !== undefined && name === "echo" && args[1] === awaitedMarker.value) {
        awaitedMarker.seen();
        return;
      }
      commands.push({ name, args: args.map(String), source });
    });
  }, 20_000);
  afterAll(async () => {
    monitor?.disconnect();
    probe?.disconnect();
    await central?.stop();
  });

  /** Source addresses (ip:port) of central's connections: every client not opened by this test. */
  async function centralSources(): Promise<Set<string>> {
    const list = String(await probe.client("LIST"));
    const sources = new Set<string>();
    for (const line of list.split("\n")) {
      const addr = /(?:^| )addr=(\S+)/.exec(line)?.[1];
      const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? "";
      if (addr !== undefined && !name.startsWith("test-")) sources.add(addr);
    }
    return sources;
  }

  /**
   * Commands central sent while `requests` ran, by name; commands run inside a script (source
   * "lua") are not round trips. MONITOR reports commands in execution order, so once a marker
   * sent after the last response has been seen, every command central sent before it has been too.
   */
  async function roundTrips(requests: () => Promise<void>): Promise<Record<string, number>> {
    const sources = await centralSources();
    commands.length = 0;
    await requests();
    const value = `marker-${randomUUID()}`;
    await new Promise<void>((seen) => {
      awaitedMarker = { value, seen };
      void probe.echo(value);
    });
    awaitedMarker = undefined;
    const byName: Record<string, number> = {};
    for (const { name, source } of commands) {
      if (source === "lua" || !sources.has(source)) continue;
      byName[name] = (byName[name] ?? 0) + 1;
    }
    return byName;
  }

  async function sequential(path: string, count: number, sub: string): Promise<void> {
    for (let i = 0; i < count; i++) {
      const response = await central.get(path, await central.token(path, sub));
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
  }

  it("a limited route costs one EVALSHA per request (replay check and limit in one script)", async () => {
    const sub = `rt-${randomUUID()}`;
    expect(await roundTrips(() => sequential("/limited", LIMIT, sub))).toEqual({ evalsha: LIMIT });
    // the script did the jti SET NX and the limit's writes
    expect(commands.filter((c) => c.source === "lua" && c.name === "set")).toHaveLength(LIMIT);
  });

  it("a route without a policy costs one SET NX per request", async () => {
    expect(await roundTrips(() => sequential("/free", 10, `rt-${randomUUID()}`))).toEqual({ set: 10 });
  });

  it("a replayed token costs one round trip too", async () => {
    const limited = await central.token("/limited", `rt-${randomUUID()}`);
    const free = await central.token("/free", `rt-${randomUUID()}`);
    const counted = await roundTrips(async () => {
      for (const [path, token] of [
        ["/limited", limited],
        ["/free", free],
      ] as const) {
        (await central.get(path, token)).body?.cancel();
        await expectReplayRejected(await central.get(path, token));
      }
    });
    expect(counted).toEqual({ evalsha: 2, set: 2 });
  });
});
