import type { ConfigPath } from "../issues.ts";
import type { ParsedConfig } from "../schema/gateway-schema.ts";

type ParsedRoute = ParsedConfig["routes"][number];
type Report = (path: ConfigPath, message: string) => void;

/** Resilience settings of one route that contradict each other (see docs/resilience.md). */
export function checkResilience(route: ParsedRoute, routePath: ConfigPath, report: Report): void {
  checkTimeouts(route, routePath, report);
  checkRetry(route, routePath, report);
  checkPool(route, routePath, report);
  const breaker = route.circuitBreaker;
  if (breaker.enabled && breaker.halfOpenTrials > breaker.minimumRequests) {
    report(
      [...routePath, "circuitBreaker", "halfOpenTrials"],
      `must not exceed circuitBreaker.minimumRequests (${breaker.minimumRequests})`,
    );
  }
}

function checkTimeouts(route: ParsedRoute, routePath: ConfigPath, report: Report) {
  const { connectMs, firstByteMs, totalMs } = route.timeouts;
  const path = [...routePath, "timeouts"];
  if (route.timeoutMs !== undefined && firstByteMs !== undefined) {
    report([...routePath, "timeoutMs"], "is a shorthand for timeouts.firstByteMs: set only one of them");
  }
  const firstByte = firstByteMs ?? route.timeoutMs;
  if (connectMs !== undefined && firstByte !== undefined && connectMs > firstByte) {
    report([...path, "connectMs"], `must not exceed the first-byte timeout (${firstByte})`);
  }
  if (totalMs !== undefined && firstByte !== undefined && firstByte > totalMs) {
    report([...path, "totalMs"], `must be at least the first-byte timeout (${firstByte})`);
  }
  if (totalMs !== undefined && connectMs !== undefined && connectMs > totalMs) {
    report([...path, "connectMs"], `must not exceed timeouts.totalMs (${totalMs})`);
  }
}

function checkRetry(route: ParsedRoute, routePath: ConfigPath, report: Report) {
  const { retry } = route;
  const path = [...routePath, "retry"];
  if (retry.backoff.baseMs > retry.backoff.maxMs) {
    report([...path, "backoff", "baseMs"], `must not exceed retry.backoff.maxMs (${retry.backoff.maxMs})`);
  }
  if (retry.attempts > 1 && retry.on.length === 0) {
    report([...path, "on"], "must list at least one condition when attempts > 1 (or set attempts: 1)");
  }
}

function checkPool(route: ParsedRoute, routePath: ConfigPath, report: Report) {
  const path = [...routePath, "upstream"];
  if (route.upstream === undefined) return;
  const health = route.upstream.healthCheck;
  if (health !== undefined && health.timeoutMs > health.intervalMs) {
    report(
      [...path, "healthCheck", "timeoutMs"],
      `must not exceed healthCheck.intervalMs (${health.intervalMs})`,
    );
  }
  const outlier = route.upstream.outlierDetection;
  if (outlier.baseEjectionMs > outlier.maxEjectionMs) {
    report(
      [...path, "outlierDetection", "baseEjectionMs"],
      `must not exceed outlierDetection.maxEjectionMs (${outlier.maxEjectionMs})`,
    );
  }
}
