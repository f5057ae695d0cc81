/**
 * The upstream seam: a pool of targets per route that picks one, hands out a
 * lease and learns from the reported outcome; a transport (HTTP today, gRPC
 * next) makes one attempt against one target. Breakers, outlier ejection and
 * health checks live behind the pool; retries and their budget in call.ts.
 */

/** One configured target of a pool. */
export interface UpstreamTarget {
  /** Position in the route's target list. */
  readonly index: number;
  /** The target as configured (URL, or a gRPC `host:port`); names it in logs and /readyz. */
  readonly id: string;
  readonly weight: number;
}

/** Why an attempt failed. All of these count as failures for breakers and outlier detection. */
export type AttemptFailure =
  /** Connection refused / unreachable / DNS: the request never reached the target. */
  | "connect_error"
  /** No connection within timeouts.connectMs: the request never reached the target. */
  | "connect_timeout"
  /** Connected, but no response head within timeouts.firstByteMs (or the total timeout). */
  | "timeout"
  /** The connection broke after the request may have been seen. */
  | "reset";

/**
 * What the caller reports on a lease, once, when the exchange with that target is over.
 * `status` is the upstream's HTTP status (or the gRPC status mapped to HTTP, see docs/resilience.md):
 * 5xx counts as a failure, anything below never does.
 */
export type Outcome =
  | { kind: "response"; status: number; latencyMs: number }
  | { kind: "failure"; failure: AttemptFailure; latencyMs: number }
  /** Ended without a verdict (the client left, central gave up): counts neither way. */
  | { kind: "cancelled" };

/** One request's hold on one target: counts as outstanding until `report` is called. */
export interface Lease {
  readonly target: UpstreamTarget;
  /** The target's circuit breaker when the lease was taken: closed, or half_open for a trial. */
  readonly breaker?: "closed" | "half_open";
  /** Idempotent: only the first report counts. */
  report(outcome: Outcome): void;
}

export interface PickOptions {
  /** consistent_hash: the request's key (consumer, client IP or header value). */
  hashKey?: string;
  /** Targets this request already tried: avoided when another one is available. */
  avoid?: ReadonlySet<number>;
}

export type PickResult =
  | { ok: true; lease: Lease }
  /** breaker_open: every remaining target's breaker refuses; no_healthy_target: all ejected or failing checks. */
  | { ok: false; reason: "breaker_open" | "no_healthy_target"; retryAfterMs: number };

export interface TargetSnapshot {
  target: string;
  weight: number;
  outstanding: number;
  breaker: { state: string; consecutiveFailures: number; window: { requests: number; failures: number } };
  ejected: boolean;
  healthy: boolean;
}

export interface UpstreamPool {
  readonly name: string;
  readonly targets: readonly UpstreamTarget[];
  pick(options?: PickOptions): PickResult;
  snapshot(): TargetSnapshot[];
  /** Stops health checks. */
  close(): void;
}

/**
 * One attempt of a transport against one target. `result` settles once: with the
 * response head (`ok`), or with the failure. `abort` cuts the attempt (client gone,
 * total timeout); after `ok` it also cuts the response stream.
 */
export interface TransportAttempt<Response> {
  readonly result: Promise<AttemptResult<Response>>;
  abort(): void;
  /** Drops an answer that will not be relayed (a 5xx about to be retried) without disturbing the client. */
  discard(): void;
}

export type AttemptResult<Response> =
  | { ok: true; status: number; response: Response }
  | {
      ok: false;
      failure: AttemptFailure;
      error?: Error;
      /**
       * A reused keep-alive connection the service had closed (reset before any response):
       * the request was not seen and the service is not at fault (see upstream/call.ts).
       */
      staleConnection?: true;
    };

/**
 * How central talks to a target. The HTTP proxy's transport streams a request
 * and returns the response head; a gRPC transport would make a call and map the
 * gRPC status to `status` (see docs/resilience.md).
 */
export interface Transport<Request, Response> {
  attempt(target: UpstreamTarget, request: Request): TransportAttempt<Response>;
}
