import type { GatewayMetrics } from "../metrics/index.ts";
import type { ReadinessCheck } from "../plugins/health/index.ts";

/** Milliseconds since the epoch; injected so tests can move time. */
export type Clock = () => number;

/**
 * State that lives as long as one central app and that more than one
 * capability reads or feeds. The composition root creates it, hands the parts
 * to the factories that need them, and releases it in `close()`. A new shared
 * piece (upstream pools and their breakers live in the proxy, see src/upstream/) becomes one
 * more field here, built in `composeCentral`, not a module-level singleton.
 */
export interface CentralRegistry {
  readonly clock: Clock;
  /** Central's metrics (src/metrics/), when the process exposes them; capabilities record into it. */
  readonly metrics?: GatewayMetrics;
  /** /readyz passes only when all of these resolve (e.g. Redis PING). Capabilities add theirs. */
  readonly readiness: ReadinessCheck[];
  /** Run in reverse order by `close()`: what the capabilities hold (pooled upstream sockets, timers). */
  readonly closers: Array<() => void>;
}

export function createRegistry(clock: Clock, metrics?: GatewayMetrics): CentralRegistry {
  return { clock, readiness: [], closers: [], ...(metrics === undefined ? {} : { metrics }) };
}

export function closeRegistry(registry: CentralRegistry): void {
  for (const close of registry.closers.splice(0).reverse()) close();
}
