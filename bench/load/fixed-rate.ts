// Open-loop load at a constant rate (what wrk2 does, which is not packaged
// here). Request i is due at start + i/rate whatever happened before it, and
// its latency is measured from that due time, not from when it was actually
// written: a stalled server is charged for the requests it kept waiting
// (no coordinated omission). Runs as its own process so it can be pinned.
//
//   node bench/load/fixed-rate.ts --url URL --rate 5000 --duration 10 \
//     --connections 64 [--header "name: value"]... \
//     [--single-use-header NAME --single-use-values FILE]
// With --single-use-header, request i carries line i of FILE as that header
// (fresh identity tokens for central with replay protection); values are never
// reused: a request without a value left is not sent and counts as an error.
// Prints one line: BENCH_JSON {"sent","completed","errors","p50","p90","p99","max","achievedRate","maxLagMs",
// "loopDelayP99Ms","loopDelayMaxMs"}
// (latencies in milliseconds).
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { percentileOfSorted } from "../lib/stats.ts";

export interface FixedRateResult {
  sent: number;
  completed: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  achievedRate: number;
  /** Largest delay between a request's due time and the moment it was issued (generator saturation). */
  maxLagMs: number;
  /** The generator's own event-loop delay (its GC and scheduling stalls), p99 and max in ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

interface FixedRateOptions {
  url: URL;
  rate: number;
  durationSeconds: number;
  connections: number;
  headers: Record<string, string>;
  /** One value of `name` per request, used in order and never reused. */
  singleUseHeader?: { name: string; values: string[] };
}

export function runFixedRate(options: FixedRateOptions): Promise<FixedRateResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.max(1, Math.round(options.rate * options.durationSeconds));
  const intervalMs = 1000 / options.rate;
  const latencies = new Float64Array(total).fill(Number.NaN);
  let issued = 0;
  let finished = 0;
  let errors = 0;
  let maxLagMs = 0;
  const startAt = performance.now() + 20;
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();

  return new Promise((resolve) => {
    let reported = false;
    const finish = () => {
      if (reported) return;
      reported = true;
      agent.destroy();
      loopDelay.disable();
      const recorded = Array.from(latencies).filter((value) => !Number.isNaN(value));
      recorded.sort((a, b) => a - b);
      const elapsedSeconds = (performance.now() - startAt) / 1000;
      resolve({
        sent: issued,
        completed: recorded.length,
        errors: errors + (total - finished),
        p50: percentileOfSorted(recorded, 50),
        p90: percentileOfSorted(recorded, 90),
        p99: percentileOfSorted(recorded, 99),
        max: recorded.at(-1) ?? Number.NaN,
        achievedRate: recorded.length / Math.max(elapsedSeconds, options.durationSeconds),
        maxLagMs,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
      });
    };
    const settle = () => {
      finished++;
      if (finished === total) finish();
    };
    const single = options.singleUseHeader;
    const headersFor = (index: number): Record<string, string> | undefined => {
      if (single === undefined) return options.headers;
      const value = single.values[index];
      return value === undefined ? undefined : { ...options.headers, [single.name]: value };
    };
    const fire = (index: number, dueAt: number) => {
      const headers = headersFor(index);
      if (headers === undefined) {
        errors++;
        settle();
        return;
      }
      const req = request(options.url, { agent, headers }, (res) => {
        res.resume();
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 400) latencies[index] = performance.now() - dueAt;
          else errors++;
          settle();
        });
        res.on("error", () => {
          errors++;
          settle();
        });
      });
      req.on("error", () => {
        errors++;
        settle();
      });
      req.end();
    };
    const tick = () => {
      const now = performance.now();
      while (issued < total) {
        const dueAt = startAt + issued * intervalMs;
        if (dueAt > now) break;
        maxLagMs = Math.max(maxLagMs, now - dueAt);
        fire(issued, dueAt);
        issued++;
      }
      if (issued < total) setTimeout(tick, Math.min(1, Math.max(0, startAt + issued * intervalMs - now)));
    };
    setTimeout(tick, 20);
    // Whatever has not answered 10 s after the last send counts as an error.
    setTimeout(finish, options.durationSeconds * 1000 + 10_000).unref();
  });
}

function parseCli(argv: string[]): FixedRateOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      rate: { type: "string" },
      duration: { type: "string", default: "10" },
      connections: { type: "string", default: "64" },
      header: { type: "string", multiple: true, default: [] },
      "single-use-header": { type: "string" },
      "single-use-values": { type: "string" },
    },
  });
  if (!values.url || !values.rate) throw new Error("--url and --rate are required");
  const headers: Record<string, string> = {};
  for (const line of values.header) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const singleName = values["single-use-header"];
  const singleFile = values["single-use-values"];
  if ((singleName === undefined) !== (singleFile === undefined)) {
    throw new Error("--single-use-header and --single-use-values go together");
  }
  return {
    url: new URL(values.url),
    rate: Number(values.rate),
    durationSeconds: Number(values.duration),
    connections: Number(values.connections),
    headers,
    ...(singleName !== undefined && singleFile !== undefined
      ? {
          singleUseHeader: {
            name: singleName,
            values: readFileSync(singleFile, "utf8")
              .split("\n")
              .filter((line) => line !== ""),
          },
        }
      : {}),
  };
}

if (import.meta.main) {
  const result = await runFixedRate(parseCli(process.argv.slice(2)));
  process.stdout.write(`BENCH_JSON ${JSON.stringify(result)}\n`);
  process.exit(0);
}
