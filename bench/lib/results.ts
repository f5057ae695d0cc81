import type { FixedRateResult } from "../load/fixed-rate.ts";
import type { IdentityMicros } from "./identity-micro.ts";
import type { MachineInfo } from "./machine.ts";
import type { LoadResult } from "./wrk.ts";

export interface RoundResult extends LoadResult {
  round: number;
  cpuMicrosPerRequest: number;
  /** CPU per request by part of the contestant (e.g. edge, central). */
  cpuPartsMicrosPerRequest?: Record<string, number>;
}

export interface ContestantSummary {
  id: string;
  label: string;
  status: "ok" | "skipped" | "failed";
  reason?: string;
  rounds: RoundResult[];
  /** Medians over rounds (errors: the sum). */
  requestsPerSecond?: number;
  p50Ms?: number;
  p90Ms?: number;
  p99Ms?: number;
  errors?: number;
  cpuMicrosPerRequest?: number;
  /** Medians over rounds of CPU per request by part (edge contestants: edge, central). */
  cpuPartsMicrosPerRequest?: Record<string, number>;
  ratioToNginx?: number;
  /** Throughput relative to the floor contestant (a featureless node:http proxy). */
  ratioToFloor?: number;
  ratioToBaseline?: number;
  fixedRate?: FixedRateResult & { targetRate: number; addedP50Ms?: number; addedP99Ms?: number };
  /** RSS once started and answering, before any load. */
  idleRssMiB?: number;
  /** The process's RSS high-water mark at the end of the whole run (VmHWM). */
  peakRssMiB?: number;
}

export interface SoakResult {
  contestant: string;
  durationSeconds: number;
  samples: Array<{ seconds: number; rssMiB: number }>;
  startMiB: number;
  endMiB: number;
  maxMiB: number;
  driftPercent: number;
  requests: number;
  errors: number;
}

export interface TargetCheck {
  name: string;
  target: string;
  actual: string;
  met: boolean | null;
}

export interface BenchSettings {
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  connections: number;
  wrkThreads: number;
  path: string;
  pinning: string;
  fixedRate: boolean;
  /** How the fixed rate was chosen, e.g. "50% of the slowest Node contestant (Express baseline)". */
  fixedRateBasis?: string;
}

export interface BenchResults {
  machine: MachineInfo;
  settings: BenchSettings;
  contestants: ContestantSummary[];
  /** Central's default edge-token verify (HS256 + claims + binding), CPU µs: the target's number. */
  identityVerifyMicros?: number;
  identityMicros?: IdentityMicros;
  soak?: SoakResult;
  /** Commands central sends to Redis per request (MONITOR; commands inside Lua scripts excluded). */
  redisRoundTrips?: {
    contestant: string;
    requests: number;
    commandsPerRequest: number;
    byName: Record<string, number>;
  };
  targets: TargetCheck[];
}
