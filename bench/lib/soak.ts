// RSS soak: keeps load on one contestant and samples its RSS every few
// seconds. Drift compares the end with the level reached after warm-up (the
// sample at 20% of the run), so JIT and pool growth at start-up don't count.
import type { Contestant } from "../contestants/contestant.ts";
import { type LoadSettings, measureRound } from "./measure.ts";
import { rssBytes } from "./proc-stats.ts";
import type { ProcessRegistry } from "./processes.ts";
import type { SoakResult } from "./results.ts";
import { median } from "./stats.ts";
import type { Tools } from "./tools.ts";

const MiB = 1024 * 1024;
/**
 * With single-use header values (central with replay protection) the load runs
 * in chunks of this length, each with freshly signed tokens: one file for the
 * whole soak would be ~1 GB and its first tokens would expire (TTL 300 s).
 * Minting the next chunk's tokens pauses the load for a few seconds.
 */
const SINGLE_USE_CHUNK_SECONDS = 30;

export async function runSoak(
  registry: ProcessRegistry,
  tools: Tools,
  contestant: Contestant,
  settings: LoadSettings,
  options: { durationSeconds: number; sampleEverySeconds: number; log: (line: string) => void },
): Promise<SoakResult> {
  const pid = contestant.rssPid();
  const samples: SoakResult["samples"] = [];
  const startedAt = Date.now();
  const sample = () => {
    const bytes = rssBytes(pid);
    if (bytes === undefined) return;
    const entry = {
      seconds: Math.round((Date.now() - startedAt) / 1000),
      rssMiB: Math.round((bytes / MiB) * 10) / 10,
    };
    samples.push(entry);
    options.log(`  soak ${String(entry.seconds).padStart(4)} s  RSS ${entry.rssMiB.toFixed(1)} MiB`);
  };
  sample();
  const timer = setInterval(sample, options.sampleEverySeconds * 1000);
  const load = { requests: 0, errors: 0 };
  const chunkSeconds = contestant.singleUseHeader ? SINGLE_USE_CHUNK_SECONDS : options.durationSeconds;
  try {
    for (let done = 0; done < options.durationSeconds; done += chunkSeconds) {
      const chunk = await measureRound(
        registry,
        tools,
        contestant,
        settings,
        Math.min(chunkSeconds, options.durationSeconds - done),
      );
      load.requests += chunk.requests;
      load.errors += chunk.errors;
    }
  } finally {
    clearInterval(timer);
  }
  sample();
  const settled = samples.filter((entry) => entry.seconds >= options.durationSeconds * 0.2);
  const reference = settled[0] ?? samples[0];
  const tail = samples.slice(-3).map((entry) => entry.rssMiB);
  const startMiB = reference?.rssMiB ?? Number.NaN;
  const endMiB = median(tail);
  return {
    contestant: contestant.id,
    durationSeconds: options.durationSeconds,
    samples,
    startMiB,
    endMiB,
    maxMiB: Math.max(...samples.map((entry) => entry.rssMiB)),
    driftPercent: ((endMiB - startMiB) / startMiB) * 100,
    requests: load.requests,
    errors: load.errors,
  };
}
