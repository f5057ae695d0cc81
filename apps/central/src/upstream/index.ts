export { type CallCancel, type CallOptions, type CallResult, callUpstream, failureError } from "./call.ts";
export { createUpstreamPool, type UpstreamPoolDeps, type UpstreamPoolOptions } from "./pool.ts";
export type {
  AttemptFailure,
  AttemptResult,
  Lease,
  Outcome,
  PickOptions,
  PickResult,
  TargetSnapshot,
  Transport,
  TransportAttempt,
  UpstreamPool,
  UpstreamTarget,
} from "./types.ts";
