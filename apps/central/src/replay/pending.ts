/** An identity token whose replay check is still to be done: its jti, remembered until `expiresAt` (unix s). */
export interface ReplayMark {
  readonly jti: string;
  readonly expiresAt: number;
  /**
   * The hash tag of the jti's key (`{consumer=<sub>}`, or `{ip=<client ip>}` for
   * an anonymous token): the slot of the request's consumer- (or ip-) keyed rate
   * limits, so the jti's SET NX rides in the same script on a Redis Cluster.
   */
  readonly tag?: string;
}

/** The jti's key below the replay prefix: `<tag>:<jti>`, or the bare jti without a tag. */
export function replayKeyOf(mark: ReplayMark): string {
  return mark.tag === undefined ? mark.jti : `${mark.tag}:${mark.jti}`;
}

/** The steps that may settle a pending replay check, in request order. */
export type ReplaySettler = "rate-limit" | "replay-check";

/**
 * The hand-off from identity verification to the one step that checks the
 * token's jti (`context.replay`). The identity step creates it; the rate-limit
 * step takes it when the route has policies (the jti's SET NX rides in the
 * rate-limit script: one Redis round trip), otherwise the replay-check step
 * takes it (a plain SET NX). `settledBy` records which step took it.
 */
export interface PendingReplay extends ReplayMark {
  settledBy?: ReplaySettler;
}

/** Hands the pending check to `step` when no step has taken it yet; undefined otherwise. */
export function takePendingReplay(
  context: { replay?: PendingReplay },
  step: ReplaySettler,
): ReplayMark | undefined {
  const pending = context.replay;
  if (pending === undefined || pending.settledBy !== undefined) return undefined;
  pending.settledBy = step;
  return pending;
}
