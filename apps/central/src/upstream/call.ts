import { GatewayError, type RetryConfig } from "@gateway/types";
import { backoffMs } from "../resilience/retry/backoff.ts";
import type { RetryBudget } from "../resilience/retry/budget.ts";
import { isRetryable } from "../resilience/retry/conditions.ts";
import type { AttemptFailure, Lease, Transport, UpstreamPool, UpstreamTarget } from "./types.ts";

/** Lets the caller stop a call (client gone, total timeout): the running attempt is aborted. */
export interface CallCancel {
  /** A method, not a getter: a getter in a per-request object literal is allocated in V8's old generation. */
  isCancelled(): boolean;
  onCancel(listener: () => void): void;
}

export interface CallOptions<Request, Response> {
  pool: UpstreamPool;
  transport: Transport<Request, Response>;
  /** Builds the request for one target (paths and signed headers can differ per target). */
  prepare(target: UpstreamTarget, attempt: number): Promise<Request>;
  retry: Pick<RetryConfig, "attempts" | "on" | "backoff">;
  budget: RetryBudget;
  /** Whether this request may be sent again at all (method allowed, body replayable). Asked after a failure. */
  mayRetry(): boolean;
  hashKey?: string;
  cancel: CallCancel;
  now: () => number;
  random: () => number;
}

export type CallResult<Response> =
  /** The upstream answered (any status, a 5xx that was not retried included); report the outcome on `lease` when the response is over. */
  | { ok: true; status: number; response: Response; lease: Lease; startedAt: number }
  | { ok: false; error: GatewayError; refused?: "breaker_open" | "no_healthy_target" }
  | { ok: false; cancelled: true };

export function failureError(failure: AttemptFailure): GatewayError {
  switch (failure) {
    case "connect_error":
      return new GatewayError(
        "upstream_error",
        "upstream is unreachable",
        {},
        { proxyError: "connection_refused" },
      );
    case "reset":
      return new GatewayError(
        "upstream_error",
        "upstream connection failed",
        {},
        {
          proxyError: "connection_terminated",
        },
      );
    case "connect_timeout":
      return new GatewayError(
        "upstream_timeout",
        "upstream did not accept the connection in time",
        {},
        {
          proxyError: "connection_timeout",
        },
      );
    case "timeout":
      return new GatewayError(
        "upstream_timeout",
        "upstream did not respond in time",
        {},
        {
          proxyError: "http_response_timeout",
        },
      );
  }
}

export function unavailableError(
  reason: "breaker_open" | "no_healthy_target",
  retryAfterMs: number,
): GatewayError {
  const message =
    reason === "breaker_open" ? "upstream is unavailable (circuit open)" : "no healthy upstream target";
  return new GatewayError("upstream_unavailable", message, {
    "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
  });
}

function sleep(ms: number, cancel: CallCancel): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    cancel.onCancel(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * One request against a pool: pick a target, attempt, report, and retry a
 * failed attempt while the policy, the request and the retry budget allow,
 * preferring targets not tried yet, with exponential backoff and full jitter.
 * Nothing is retried once an answer is handed back: the caller streams it.
 */
export async function callUpstream<Request, Response>(
  options: CallOptions<Request, Response>,
): Promise<CallResult<Response>> {
  const { pool, transport, retry, budget, cancel } = options;
  budget.recordRequest();
  const tried = new Set<number>();
  let lastError: GatewayError | undefined;
  let staleRetried = false;
  for (let attempt = 1; ; attempt++) {
    const picked = pool.pick({
      avoid: tried,
      ...(options.hashKey === undefined ? {} : { hashKey: options.hashKey }),
    });
    if (!picked.ok)
      return {
        ok: false,
        error: lastError ?? unavailableError(picked.reason, picked.retryAfterMs),
        refused: picked.reason,
      };
    const { lease } = picked;
    tried.add(lease.target.index);
    const mayRetryAgain = () =>
      attempt < retry.attempts && options.mayRetry() && !cancel.isCancelled() && budget.tryRetry();

    let request: Request;
    try {
      request = await options.prepare(lease.target, attempt);
    } catch (error) {
      lease.report({ kind: "cancelled" });
      throw error;
    }
    if (cancel.isCancelled()) {
      lease.report({ kind: "cancelled" });
      return { ok: false, cancelled: true };
    }
    const startedAt = options.now();
    const running = transport.attempt(lease.target, request);
    cancel.onCancel(() => running.abort());
    const result = await running.result;
    if (cancel.isCancelled()) {
      if (result.ok) running.abort();
      lease.report({ kind: "cancelled" });
      return { ok: false, cancelled: true };
    }
    const latencyMs = options.now() - startedAt;
    if (result.ok) {
      if (isRetryable(undefined, result.status, retry.on) && mayRetryAgain()) {
        lease.report({ kind: "response", status: result.status, latencyMs });
        running.discard();
        lastError = new GatewayError("upstream_error", `upstream answered ${result.status}`);
        await sleep(backoffMs(attempt, retry.backoff, options.random), cancel);
        if (cancel.isCancelled()) return { ok: false, cancelled: true };
        continue;
      }
      return { ok: true, status: result.status, response: result.response, lease, startedAt };
    }
    if (result.staleConnection === true) {
      // The service had closed this idle keep-alive connection: not its fault, so no breaker
      // or outlier verdict; once per call, sent again at once on a fresh connection (the
      // transport dropped the idle ones), outside the attempt count, backoff and budget.
      lease.report({ kind: "cancelled" });
      if (!staleRetried && options.mayRetry() && !cancel.isCancelled()) {
        staleRetried = true;
        tried.delete(lease.target.index);
        attempt--;
        continue;
      }
    } else {
      lease.report({ kind: "failure", failure: result.failure, latencyMs });
    }
    lastError = failureError(result.failure);
    if (!isRetryable(result.failure, undefined, retry.on) || !mayRetryAgain()) {
      return { ok: false, error: lastError };
    }
    await sleep(backoffMs(attempt, retry.backoff, options.random), cancel);
    if (cancel.isCancelled()) return { ok: false, cancelled: true };
  }
}
