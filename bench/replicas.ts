// Central scale-out on this machine: 1..N central replicas (full path: replay protection, a Redis
// sliding-window policy, access log) behind nginx as a round-robin load balancer, one Redis.
// Prints throughput, latency and CPU per request of central and of Redis for each N, plus the
// load average, so the numbers can be read against what else the machine was doing.
//   node bench/replicas.ts [--replicas 3] [--duration 5] [--connections 64] [--keep]
// Needs wrk, nginx and redis-server (bench/README.md). Not a test: it asserts nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generateHopSecret } from "@gateway/identity";
import { createNodeHmacIdentitySigner } from "@gateway/identity/node";
import { freePort, startRedisServer } from "@gateway/testing";
import { Redis } from "ioredis";
import { type StartedCentral, startCentral } from "./contestants/central.ts";
import type { BenchContext, Contestant } from "./contestants/contestant.ts";
import { nginxConf } from "./contestants/nginx.ts";
import { writeBenchGatewayConfig } from "./lib/gateway-config.ts";
import { measureRound } from "./lib/measure.ts";
import { cpuMicros } from "./lib/proc-stats.ts";
import { createProcessRegistry } from "./lib/processes.ts";
import { requireTools } from "./lib/tools.ts";
import { waitForHttp } from "./lib/wait-for-http.ts";
import { startStaticUpstream } from "./upstream/start.ts";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));
const PATH = "/bench/hello";

const { values: args } = parseArgs({
  options: {
    replicas: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    connections: { type: "string", default: "64" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});
if (args.help) {
  console.log(
    "usage: node bench/replicas.ts [--replicas 3] [--duration 5] [--warmup 1] [--connections 64] [--keep]",
  );
  process.exit(0);
}
const maxReplicas = Number(args.replicas);
const duration = Number(args.duration);
const warmup = Number(args.warmup);
const connections = Number(args.connections);
for (const [name, value] of Object.entries({ replicas: maxReplicas, duration, connections }))
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);

async function redisPid(url: string): Promise<number> {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  const info = await client.info("server");
  client.disconnect();
  return Number(/process_id:(\d+)/.exec(info)?.[1]);
}

const tmp = mkdtempSync(join(tmpdir(), "gateway-bench-replicas-"));
mkdirSync(join(tmp, "logs"));
const registry = createProcessRegistry({ tasksetPath: undefined, logDir: join(tmp, "logs") });
const log = (line: string) => console.log(line);

interface Row {
  replicas: number;
  via: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  errorKinds: string;
  centralCpuUs: number;
  nginxCpuUs: number;
  redisCpuUs: number;
}

async function main(): Promise<Row[]> {
  const tools = requireTools(log);
  const { child: upstream, url: upstreamUrl } = await startStaticUpstream(registry);
  const redis = await startRedisServer({ binary: tools.redisServer });
  registry.adopt(redis);
  const redisProcess = await redisPid(redis.url);
  const context: BenchContext = {
    registry,
    tools,
    tmpDir: tmp,
    upstreamUrl,
    upstreamPid: upstream.pid,
    redisUrl: redis.url,
    path: PATH,
    serverCores: undefined,
    log,
    centralNodeFlags: [],
  };
  const configPath = join(tmp, "gateway.config.yaml");
  writeBenchGatewayConfig(configPath, {
    upstreamUrl,
    rateLimit: true,
    jwksUrl: "http://127.0.0.1:9/.well-known/jwks.json",
    replayProtection: true,
  });
  const hopKey = generateHopSecret("bench-replicas-hop");
  const signer = await createNodeHmacIdentitySigner({ secretJwk: hopKey, issuer: "edge", ttlSeconds: 300 });
  const mint = async (count: number) => {
    const tokens: string[] = [];
    for (let i = 0; i < count; i++)
      tokens.push(
        await signer.sign({
          identity: { sub: "bench-user", roles: [], scopes: [], auth: "jwt" },
          audience: "central",
          method: "GET",
          pathAndQuery: PATH,
          clientIp: "127.0.0.1",
        }),
      );
    return tokens;
  };
  const settings = {
    durationSeconds: duration,
    connections,
    threads: 2,
    loadCores: undefined,
    wrkScript: join(BENCH_DIR, "wrk/report.lua"),
    workDir: tmp,
  };
  const rows: Row[] = [];
  const centrals: StartedCentral[] = [];
  for (let n = 1; n <= maxReplicas; n++) {
    while (centrals.length < n)
      centrals.push(
        await startCentral(context, { name: `central-${centrals.length + 1}`, configPath, hopKey }),
      );
    const dir = join(tmp, `nginx-${n}`);
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const conf = join(dir, "nginx.conf");
    writeFileSync(
      conf,
      nginxConf({ dir, port, upstreams: centrals.map((central) => new URL(central.baseUrl)) }),
    );
    const nginx = registry.spawn(`nginx-${n}`, tools.nginx, [
      "-p",
      dir,
      "-e",
      join(dir, "error.log"),
      "-c",
      conf,
    ]);
    const url = `http://127.0.0.1:${port}${PATH}`;
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, {
      isDead: () => (nginx.hasExited() ? nginx.output() : undefined),
    });
    const targets: Array<{ via: string; url: string; extraPids: number[] }> = [
      ...(n === 1 ? [{ via: "direct", url: `${centrals[0]?.baseUrl}${PATH}`, extraPids: [] }] : []),
      { via: "nginx round-robin", url, extraPids: [nginx.pid] },
    ];
    for (const target of targets) {
      const contestant: Contestant = {
        id: `central-x${n}-${target.via.split(" ")[0]}`,
        label: `${n} × central`,
        url: target.url,
        headers: async () => ({}),
        singleUseHeader: { name: "x-gateway-identity", mint },
        cpuPids: () => centrals.map((central) => central.child.pid),
        rssPid: () => centrals[0]?.child.pid ?? 0,
        assertAlive: () => {
          for (const central of centrals) registry.assertAlive(central.child);
        },
        stop: async () => {},
      };
      if (warmup > 0) await measureRound(registry, tools, contestant, settings, warmup);
      const extraBefore = cpuMicros(target.extraPids);
      const redisBefore = cpuMicros([redisProcess]);
      const result = await measureRound(registry, tools, contestant, settings);
      const perRequest = (micros: number) => (result.requests > 0 ? micros / result.requests : Number.NaN);
      const row: Row = {
        replicas: n,
        via: target.via,
        rps: result.requestsPerSecond,
        p50: result.p50Ms,
        p99: result.p99Ms,
        errors: result.errors,
        errorKinds: Object.entries(result.errorKinds)
          .filter(([, value]) => value > 0)
          .map(([kind, value]) => `${kind} ${value}`)
          .join(", "),
        centralCpuUs: result.cpuMicrosPerRequest,
        nginxCpuUs: perRequest(cpuMicros(target.extraPids) - extraBefore),
        redisCpuUs: perRequest(cpuMicros([redisProcess]) - redisBefore),
      };
      rows.push(row);
      log(
        `${n} replica(s) via ${target.via}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50.toFixed(1)} ms, ` +
          `p99 ${row.p99.toFixed(1)} ms, errors ${row.errors}${row.errorKinds ? ` (${row.errorKinds})` : ""}; CPU µs/request: central ${row.centralCpuUs.toFixed(0)}, ` +
          `nginx ${row.nginxCpuUs.toFixed(0)}, redis ${row.redisCpuUs.toFixed(0)}`,
      );
    }
    await registry.stop(nginx);
  }
  return rows;
}

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
console.log(
  `Cores: ${cpus().length}; load average before: ${load()}; ${duration} s per round, ${connections} connections`,
);
let exitCode = 0;
try {
  const rows = await main();
  console.log(`\nload average after: ${load()}`);
  console.log(
    "| replicas | via | req/s | p50 ms | p99 ms | errors | central CPU µs/req | nginx CPU µs/req | Redis CPU µs/req |",
  );
  console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of rows)
    console.log(
      `| ${row.replicas} | ${row.via} | ${row.rps.toFixed(0)} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.errors} | ${row.centralCpuUs.toFixed(0)} | ${row.via === "direct" ? "–" : row.nginxCpuUs.toFixed(0)} | ${row.redisCpuUs.toFixed(0)} |`,
    );
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  exitCode = 1;
} finally {
  await registry.stopAll();
  if (args.keep) console.log(`Kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
