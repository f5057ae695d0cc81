// `pnpm bench` / `./gw bench`: measures nginx, a typical Express gateway, and
// our gateway (central alone, central with optional features off, edge →
// central) against the same static upstream. See bench/README.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startRedisServer } from "@gateway/testing";
import { baselineContestant } from "./contestants/baseline.ts";
import {
  centralFullContestant,
  centralLeanContestant,
  centralReuseContestant,
  centralVariantsFromEnv,
} from "./contestants/central.ts";
import {
  type BenchContext,
  type Contestant,
  type ContestantDefinition,
  SkipContestant,
} from "./contestants/contestant.ts";
import { directContestant } from "./contestants/direct.ts";
import { edgeContestant, edgeSelfHostedContestant } from "./contestants/edge.ts";
import { floorContestant } from "./contestants/floor.ts";
import { nginxContestant } from "./contestants/nginx.ts";
import { type BenchArgs, parseBenchArgs, USAGE } from "./lib/args.ts";
import { runFixedRateAgainst } from "./lib/fixed-rate-runner.ts";
import { type IdentityMicros, identityMicros } from "./lib/identity-micro.ts";
import { machineInfo } from "./lib/machine.ts";
import { type LoadSettings, measureRound } from "./lib/measure.ts";
import { peakRssBytes, rssBytes } from "./lib/proc-stats.ts";
import { createProcessRegistry, type ProcessRegistry } from "./lib/processes.ts";
import { cpuProfileFlags, profileRound } from "./lib/profile.ts";
import { countRedisCommands } from "./lib/redis-round-trips.ts";
import type { BenchResults, ContestantSummary } from "./lib/results.ts";
import { runSoak } from "./lib/soak.ts";
import { median } from "./lib/stats.ts";
import { resultsSvg } from "./lib/svg.ts";
import { fixedRateTable, targetsTable, textTable } from "./lib/table.ts";
import { checkTargets } from "./lib/targets.ts";
import { requireTools, type Tools } from "./lib/tools.ts";
import type { LoadResult } from "./lib/wrk.ts";
import { startStaticUpstream } from "./upstream/start.ts";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(BENCH_DIR, "..");
const RESULTS_DIR = join(BENCH_DIR, "results");
const BENCH_PATH = "/bench/hello";
const SERVER_CORES = "0";
/** Node contestants: the default fixed rate is one the slowest of them sustains. */
const NODE_CONTESTANTS: ReadonlySet<string> = new Set([
  "floor",
  "baseline",
  "central",
  "central-reuse",
  "central-lean",
]);
const FIXED_RATE_SHARE = 0.5;
const LOAD_CORES = "1";
const DEFINITIONS: ContestantDefinition[] = [
  directContestant,
  nginxContestant,
  floorContestant,
  baselineContestant,
  centralFullContestant,
  centralReuseContestant,
  centralLeanContestant,
  ...centralVariantsFromEnv(process.env.BENCH_CENTRAL_VARIANTS),
  edgeContestant,
  edgeSelfHostedContestant,
];

let quiet = false;
/** Silent once interrupted: what fails while teardown runs is not news. */
const log = (line: string) => {
  if (!quiet) console.log(line);
};
const roundValues = <T extends object>(values: T): T =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, Math.round(value * 10) / 10])) as T;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** " (status 3, timeout 2)": which kinds of error a round had, empty without errors. */
function errorDetail(result: LoadResult): string {
  const kinds = Object.entries({ ...result.errorKinds, "out of tokens": result.valuesExhausted })
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind} ${count}`);
  return kinds.length > 0 ? ` (${kinds.join(", ")})` : "";
}

interface Running {
  contestant: Contestant;
  summary: ContestantSummary;
}

async function startContestants(definitions: ContestantDefinition[], context: BenchContext) {
  const running: Running[] = [];
  const summaries: ContestantSummary[] = [];
  for (const definition of definitions) {
    const summary: ContestantSummary = {
      id: definition.id,
      label: definition.label,
      status: "ok",
      rounds: [],
    };
    summaries.push(summary);
    const startedAt = Date.now();
    try {
      const contestant = await definition.start(context);
      const idle = rssBytes(contestant.rssPid());
      if (idle !== undefined) summary.idleRssMiB = mebibytes(idle);
      running.push({ contestant, summary });
      log(`  started ${definition.label.padEnd(26)} ${contestant.url} (${Date.now() - startedAt} ms)`);
    } catch (error) {
      summary.status = error instanceof SkipContestant ? "skipped" : "failed";
      summary.reason = message(error);
      log(`  ${summary.status.toUpperCase()} ${definition.label}: ${summary.reason}`);
    }
  }
  return { running, summaries };
}

/** " (edge 812.3 + central 290.1)": CPU per request by part, when the contestant splits it. */
function partsText(parts: Record<string, number> | undefined): string {
  if (parts === undefined) return "";
  return ` (${Object.entries(parts)
    .map(([name, micros]) => `${name} ${micros.toFixed(1)}`)
    .join(" + ")})`;
}

function mebibytes(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}

function fail(entry: Running, error: unknown) {
  entry.summary.status = "failed";
  entry.summary.reason = message(error);
  log(`  FAILED ${entry.summary.label}: ${entry.summary.reason}`);
}

async function closedLoopRounds(
  running: Running[],
  registry: ProcessRegistry,
  tools: Tools,
  settings: LoadSettings,
  args: BenchArgs,
) {
  log(`\nWarm-up: ${args.warmupSeconds} s each`);
  for (const entry of running) {
    try {
      await measureRound(registry, tools, entry.contestant, settings, args.warmupSeconds);
    } catch (error) {
      fail(entry, error);
    }
  }
  for (let round = 1; round <= args.rounds; round++) {
    log(`\nRound ${round}/${args.rounds}`);
    for (const entry of running) {
      if (entry.summary.status !== "ok") continue;
      try {
        const result = await measureRound(registry, tools, entry.contestant, settings);
        entry.summary.rounds.push({ round, ...result });
        log(
          `  ${entry.summary.label.padEnd(26)} ${Math.round(result.requestsPerSecond).toString().padStart(7)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  errors ${result.errors}${errorDetail(result)}  CPU ${result.cpuMicrosPerRequest.toFixed(1)} µs/req${partsText(result.cpuPartsMicrosPerRequest)}`,
        );
      } catch (error) {
        fail(entry, error);
      }
    }
  }
}

function summarise(summaries: ContestantSummary[]) {
  for (const summary of summaries) {
    if (summary.status !== "ok" || summary.rounds.length === 0) continue;
    summary.requestsPerSecond = median(summary.rounds.map((round) => round.requestsPerSecond));
    summary.p50Ms = median(summary.rounds.map((round) => round.p50Ms));
    summary.p90Ms = median(summary.rounds.map((round) => round.p90Ms));
    summary.p99Ms = median(summary.rounds.map((round) => round.p99Ms));
    summary.cpuMicrosPerRequest = median(summary.rounds.map((round) => round.cpuMicrosPerRequest));
    const partNames = Object.keys(summary.rounds[0]?.cpuPartsMicrosPerRequest ?? {});
    if (partNames.length > 0)
      summary.cpuPartsMicrosPerRequest = Object.fromEntries(
        partNames.map((name) => [
          name,
          median(summary.rounds.map((round) => round.cpuPartsMicrosPerRequest?.[name] ?? Number.NaN)),
        ]),
      );
    summary.errors = summary.rounds.reduce((sum, round) => sum + round.errors, 0);
  }
  const rps = (id: string) =>
    summaries.find((summary) => summary.id === id && summary.status === "ok")?.requestsPerSecond;
  const nginx = rps("nginx");
  const floor = rps("floor");
  const baseline = rps("baseline");
  for (const summary of summaries) {
    if (summary.requestsPerSecond === undefined) continue;
    if (nginx) summary.ratioToNginx = summary.requestsPerSecond / nginx;
    if (floor) summary.ratioToFloor = summary.requestsPerSecond / floor;
    if (baseline) summary.ratioToBaseline = summary.requestsPerSecond / baseline;
  }
}

const ROUND_TRIP_SAMPLE = 200;

/** Redis commands central sends per request, counted with MONITOR over sequential requests. */
async function redisRoundTrips(
  running: Running[],
  redisUrl: string,
): Promise<BenchResults["redisRoundTrips"]> {
  const central = running.find((entry) => entry.contestant.id === "central" && entry.summary.status === "ok");
  if (central === undefined) return undefined;
  const { contestant } = central;
  const headers = await contestant.headers();
  const single = contestant.singleUseHeader;
  // Signed up front so the count window holds only requests; one fresh token each with replay protection on.
  const fresh = single ? await single.mint(ROUND_TRIP_SAMPLE) : [];
  const headersFor = (i: number): Record<string, string> =>
    single ? { ...headers, [single.name]: fresh[i] as string } : headers;
  const counted = await countRedisCommands(redisUrl, async () => {
    for (let i = 0; i < ROUND_TRIP_SAMPLE; i++) {
      const response = await fetch(contestant.url, { headers: headersFor(i) });
      await response.arrayBuffer();
      if (response.status !== 200)
        throw new Error(`central answered ${response.status} during the Redis count`);
    }
    return ROUND_TRIP_SAMPLE;
  });
  return {
    contestant: contestant.id,
    requests: counted.requests,
    commandsPerRequest: counted.commands / counted.requests,
    byName: counted.byName,
  };
}

/**
 * --rate, else a share of the slowest Node contestant's closed-loop throughput:
 * a rate every Node contestant sustains, so the latencies measure the request
 * path, not a queue (at 50% of nginx every Node contestant is over capacity).
 */
function chooseFixedRate(running: Running[], args: BenchArgs): { rate: number; basis: string } {
  if (args.rate !== undefined) return { rate: args.rate, basis: "--rate" };
  const measured = running
    .filter(
      (entry) =>
        (NODE_CONTESTANTS.has(entry.contestant.id) || entry.contestant.id.startsWith("central@")) &&
        entry.summary.requestsPerSecond,
    )
    .sort((a, b) => (a.summary.requestsPerSecond ?? 0) - (b.summary.requestsPerSecond ?? 0));
  const slowest = measured[0];
  if (slowest === undefined) return { rate: 0, basis: "" };
  const throughput = slowest.summary.requestsPerSecond ?? 0;
  return {
    rate: throughput * FIXED_RATE_SHARE,
    basis: `${FIXED_RATE_SHARE * 100}% of the slowest Node contestant (${slowest.summary.label}, ${Math.round(throughput)} req/s closed loop)`,
  };
}

async function fixedRateRounds(
  running: Running[],
  registry: ProcessRegistry,
  args: BenchArgs,
  loadCores: string | undefined,
  workDir: string,
): Promise<string | undefined> {
  const reference =
    running.find((entry) => entry.contestant.id === "direct" && entry.summary.status === "ok") ??
    running.find((entry) => entry.contestant.id === "nginx" && entry.summary.status === "ok");
  const { rate, basis } = chooseFixedRate(running, args);
  if (!rate) {
    log("\nFixed rate: skipped (needs a Node contestant's closed-loop throughput, or --rate)");
    return undefined;
  }
  log(
    `\nFixed rate: ${Math.round(rate)} req/s = ${basis}, ${args.durationSeconds} s each (open loop, latency from the intended send time)`,
  );
  for (const entry of running) {
    if (entry.summary.status !== "ok") continue;
    try {
      const result = await runFixedRateAgainst(registry, entry.contestant, {
        rate,
        durationSeconds: args.durationSeconds,
        connections: args.connections,
        loadCores,
        workDir,
      });
      entry.summary.fixedRate = { ...result, targetRate: rate };
      const notes: string[] = [];
      if (result.achievedRate < rate * 0.95) {
        notes.push(
          `over capacity: ${Math.round(result.achievedRate)} of ${Math.round(rate)} req/s, latency is queueing`,
        );
      }
      if (result.maxLagMs > 50) notes.push(`generator fell ${result.maxLagMs.toFixed(0)} ms behind schedule`);
      const noteText = notes.length > 0 ? `  (${notes.join("; ")})` : "";
      log(
        `  ${entry.summary.label.padEnd(26)} achieved ${Math.round(result.achievedRate)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  errors ${result.errors}${noteText}`,
      );
    } catch (error) {
      log(`  ${entry.summary.label}: fixed-rate run failed: ${message(error)}`);
    }
  }
  const base = reference?.summary.fixedRate;
  if (reference === undefined || base === undefined) return basis;
  log(`  +p50 / +p99: added over ${reference.summary.label} at the same rate`);
  if (base.maxLagMs > 50 || base.achievedRate < rate * 0.95) {
    log(
      `  note: even ${reference.summary.label}'s run was limited by the load generator (one core of Node http client); pick a lower --rate for meaningful added latency`,
    );
  }
  for (const entry of running) {
    const own = entry.summary.fixedRate;
    if (!own) continue;
    own.addedP50Ms = own.p50 - base.p50;
    own.addedP99Ms = own.p99 - base.p99;
  }
  return basis;
}

async function main(
  args: BenchArgs,
  registry: ProcessRegistry,
  tools: Tools,
  tmpDir: string,
): Promise<number> {
  const pinning = args.pin && tools.taskset !== undefined && availableParallelism() >= 2;
  const serverCores = pinning ? SERVER_CORES : undefined;
  const loadCores = pinning ? LOAD_CORES : undefined;
  log(
    pinning
      ? `Pinning: servers on core ${SERVER_CORES}, load generator on core ${LOAD_CORES} (taskset); upstream and redis unpinned`
      : `Pinning: off (${!args.pin ? "--no-pin" : tools.taskset ? "fewer than 2 cores" : "taskset not found"})`,
  );

  const { child: upstream, url: upstreamUrl } = await startStaticUpstream(registry);
  const redis = await startRedisServer({ binary: tools.redisServer });
  registry.adopt(redis);
  log(`Upstream ${upstreamUrl}, Redis ${redis.url}`);

  const profileDir = join(tmpDir, "cpu-profile");
  const context: BenchContext = {
    registry,
    tools,
    tmpDir,
    upstreamUrl,
    upstreamPid: upstream.pid,
    redisUrl: redis.url,
    path: BENCH_PATH,
    serverCores,
    log,
    centralNodeFlags: [
      ...(args.profile ? cpuProfileFlags(profileDir) : []),
      // Diagnostics, e.g. BENCH_CENTRAL_NODE_FLAGS=--trace-gc with --keep (central's log in logs/).
      ...(process.env.BENCH_CENTRAL_NODE_FLAGS?.split(/\s+/).filter((flag) => flag !== "") ?? []),
    ],
  };
  const settings: LoadSettings = {
    durationSeconds: args.durationSeconds,
    connections: args.connections,
    threads: args.threads,
    loadCores,
    wrkScript: join(BENCH_DIR, "wrk/report.lua"),
    workDir: tmpDir,
  };

  if (args.profile) {
    mkdirSync(profileDir);
    const { running } = await startContestants([centralFullContestant], context);
    const entry = running[0];
    if (!entry) return 1;
    await measureRound(registry, tools, entry.contestant, settings, args.warmupSeconds);
    await profileRound(registry, tools, entry.contestant, settings, {
      profileDir,
      repoRoot: REPO_ROOT,
      stopContestant: () => entry.contestant.stop(),
      log,
    });
    return 0;
  }

  const only = args.only;
  if (only) {
    const unknown = only.filter((id) => !DEFINITIONS.some((definition) => definition.id === id));
    if (unknown.length > 0) throw new Error(`--only: unknown contestant ${unknown.join(", ")}`);
  }
  const selected = only ? DEFINITIONS.filter((definition) => only.includes(definition.id)) : DEFINITIONS;
  log(`\nStarting ${selected.length} contestants`);
  const { running, summaries } = await startContestants(selected, context);
  if (running.length === 0) throw new Error("no contestant started");

  await closedLoopRounds(running, registry, tools, settings, args);
  summarise(summaries);
  let roundTrips: BenchResults["redisRoundTrips"];
  try {
    roundTrips = await redisRoundTrips(running, redis.url);
    if (roundTrips !== undefined) {
      const names = Object.entries(roundTrips.byName)
        .map(([name, calls]) => `${name} ${calls}`)
        .join(", ");
      log(
        `\nRedis round trips (MONITOR, ${roundTrips.requests} sequential requests to central): ${roundTrips.commandsPerRequest.toFixed(2)} commands per request (${names || "none"})`,
      );
    }
  } catch (error) {
    log(`\nRedis round trips: count failed: ${message(error)}`);
  }
  const fixedRateBasis = args.fixedRate
    ? await fixedRateRounds(running, registry, args, loadCores, tmpDir)
    : undefined;

  log("\nIdentity token micro-benchmark (in-process, steady state after a warm-up, CPU µs per call)");
  const identity: IdentityMicros | undefined = await identityMicros().catch((error: unknown) => {
    log(`  failed: ${message(error)}`);
    return undefined;
  });
  if (identity !== undefined) {
    log(
      `  verify: HS256 hop ${identity.hopVerify.toFixed(1)} (central's default), EdDSA node:crypto ${identity.nodeVerify.toFixed(1)}, WebCrypto ${identity.webCryptoVerify.toFixed(1)}, bare Ed25519 verify ${identity.bareEd25519Verify.toFixed(1)}`,
    );
    log(
      `  sign:   node:crypto ${identity.nodeSign.toFixed(1)} (central), WebCrypto ${identity.webCryptoSign.toFixed(1)}`,
    );
  }

  let soak: BenchResults["soak"];
  if (args.soakSeconds !== undefined) {
    const target = running.find(
      (entry) => entry.contestant.id === "central" && entry.summary.status === "ok",
    );
    if (!target) log("\nSoak: skipped (central is not running)");
    else {
      log(`\nSoak: ${args.soakSeconds} s of load on central, RSS every 5 s`);
      soak = await runSoak(registry, tools, target.contestant, settings, {
        durationSeconds: args.soakSeconds,
        sampleEverySeconds: 5,
        log,
      });
      log(
        `  RSS ${soak.startMiB} → ${soak.endMiB} MiB (max ${soak.maxMiB}): drift ${soak.driftPercent.toFixed(1)}%`,
      );
    }
  }

  for (const entry of running) {
    const peak = peakRssBytes(entry.contestant.rssPid());
    if (peak !== undefined) entry.summary.peakRssMiB = mebibytes(peak);
  }
  const memory = running.filter((entry) => entry.summary.peakRssMiB !== undefined);
  if (memory.length > 0) {
    log("\nRSS: idle after start → peak over the whole run (VmHWM)");
    for (const { summary } of memory)
      log(
        `  ${summary.label.padEnd(26)} ${summary.idleRssMiB} → ${summary.peakRssMiB} MiB (${((summary.peakRssMiB ?? 0) / (summary.idleRssMiB ?? 1)).toFixed(2)}×)`,
      );
  }

  const partial: Omit<BenchResults, "targets"> = {
    machine: machineInfo(REPO_ROOT),
    settings: {
      durationSeconds: args.durationSeconds,
      warmupSeconds: args.warmupSeconds,
      rounds: args.rounds,
      connections: args.connections,
      wrkThreads: args.threads,
      path: BENCH_PATH,
      pinning: pinning ? `servers on core ${SERVER_CORES}, load on core ${LOAD_CORES}` : "off",
      fixedRate: args.fixedRate,
      ...(fixedRateBasis === undefined ? {} : { fixedRateBasis }),
    },
    contestants: summaries,
    ...(identity === undefined
      ? {}
      : {
          identityVerifyMicros: Math.round(identity.hopVerify * 10) / 10,
          identityMicros: roundValues(identity),
        }),
    ...(soak ? { soak } : {}),
    ...(roundTrips ? { redisRoundTrips: roundTrips } : {}),
  };
  const results: BenchResults = { ...partial, targets: checkTargets(partial) };

  log(
    `\nResults (median of ${args.rounds} rounds × ${args.durationSeconds} s, ${args.connections} connections)\n`,
  );
  log(textTable(results));
  for (const summary of results.contestants)
    if (summary.cpuPartsMicrosPerRequest !== undefined)
      log(`CPU µs/req by part, ${summary.label}:${partsText(summary.cpuPartsMicrosPerRequest)}`);
  const fixedTable = fixedRateTable(results);
  if (fixedTable) log(`\nFixed rate (open loop)\n${fixedTable}`);
  log(`\nTargets\n${targetsTable(results)}`);
  if (args.write) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(RESULTS_DIR, "latest.svg"), resultsSvg(results));
    log(`\nWrote bench/results/latest.json and bench/results/latest.svg`);
  }
  return summaries.some((summary) => summary.status === "failed") ? 1 : 0;
}

const parsed = (() => {
  try {
    return parseBenchArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`bench: ${message(error)}\n${USAGE}`);
    process.exit(2);
  }
})();
if (parsed === "help") {
  console.log(USAGE);
  process.exit(0);
}

let tools: Tools;
try {
  tools = requireTools(log);
} catch (error) {
  console.error(`bench: ${message(error)}`);
  process.exit(1);
}
const tmpDir = mkdtempSync(join(tmpdir(), "gateway-bench-"));
const logDir = join(tmpDir, "logs");
mkdirSync(logDir);
const registry = createProcessRegistry({ tasksetPath: parsed.pin ? tools.taskset : undefined, logDir });
let cleanedUp: Promise<void> | undefined;
const cleanup = () => {
  cleanedUp ??= (async () => {
    await registry.stopAll();
    if (parsed.keep) console.log(`Kept ${tmpDir} (configs, keys, logs/ of every process)`);
    else rmSync(tmpDir, { recursive: true, force: true });
  })();
  return cleanedUp;
};
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    interrupted = true;
    quiet = true;
    console.error(`\nbench: ${signal}, stopping every process it started`);
    void cleanup().finally(() => process.exit(130));
  });
}

let exitCode = 1;
try {
  exitCode = await main(parsed, registry, tools, tmpDir);
} catch (error) {
  if (!interrupted) console.error(`\nbench: ${message(error)}`);
} finally {
  await cleanup();
}
process.exit(exitCode);
