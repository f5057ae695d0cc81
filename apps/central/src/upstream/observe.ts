import type { UpstreamOutcome } from "../metrics/index.ts";
import type { AttemptResult, Transport } from "./types.ts";

export type AttemptObserver = (outcome: UpstreamOutcome, seconds: number) => void;

function outcomeOf(result: AttemptResult<unknown>): UpstreamOutcome {
  if (result.ok) return result.status >= 500 ? "http_5xx" : "success";
  return result.failure;
}

/**
 * The transport with every attempt's outcome and time to the response head (or failure)
 * reported to `observe` (the gateway_upstream_duration_seconds metric). Wraps the transport
 * once per route; an attempt costs one clock read and one promise callback more.
 */
export function observedTransport<Request, Response>(
  transport: Transport<Request, Response>,
  observe: AttemptObserver,
): Transport<Request, Response> {
  return {
    attempt(target, request) {
      const startedAt = performance.now();
      const running = transport.attempt(target, request);
      running.result.then(
        (result) => observe(outcomeOf(result), (performance.now() - startedAt) / 1000),
        () => {},
      );
      return running;
    },
  };
}
