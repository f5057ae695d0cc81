// The static upstream itself, no proxy in front: the reference for the latency a
// proxy adds (the fixed-rate "+p50/+p99" columns are relative to it).
import type { BenchContext, Contestant, ContestantDefinition } from "./contestant.ts";

export const directContestant: ContestantDefinition = {
  id: "direct",
  label: "direct upstream (no proxy)",
  async start(context: BenchContext): Promise<Contestant> {
    const url = `${context.upstreamUrl}${context.path}`;
    const check = await fetch(url);
    await check.arrayBuffer();
    if (check.status !== 200) throw new Error(`the upstream answered ${check.status}`);
    return {
      id: "direct",
      label: "direct upstream (no proxy)",
      url,
      headers: async () => ({}),
      cpuPids: () => [context.upstreamPid],
      rssPid: () => context.upstreamPid,
      assertAlive: () => {},
      // The bench stops the shared upstream itself at the end.
      stop: async () => {},
    };
  },
};
