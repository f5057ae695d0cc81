import { GatewayError, targetPath, withTimeout } from "@gateway/types";
import type { RequestHandler } from "express";
import { gatewayContext } from "../../context.ts";
import { sendGatewayError } from "../../errors.ts";

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency is usable; rejects (or times out) otherwise. */
  check(): Promise<void>;
  /**
   * false: the gateway still serves without it (every feature using it fails
   * open), so a failure is reported as degraded with 200 instead of 503 —
   * taking every replica out of the load balancer would turn a fail-open
   * outage into a full one. Default true.
   */
  critical?: boolean;
}

const CHECK_TIMEOUT_MS = 1000;

/** Extra sections of the /readyz body, computed per request (e.g. `upstreams`: breaker and ejection state). */
export type ReadinessDetails = Record<string, () => unknown>;

/**
 * `/healthz`: the process answers. `/readyz`: config is loaded (it is, or the
 * app would not exist) and every readiness check passes. `/readyz?verbose` adds
 * the `details` to the body for operators, without changing the status. Neither
 * needs identity. While `notReadyReason` returns a reason (shutdown), /readyz is 503 with it.
 */
export function createHealthEndpoints(
  checks: ReadinessCheck[],
  details: ReadinessDetails = {},
  notReadyReason: () => string | undefined = () => undefined,
): RequestHandler {
  const detailsNow = (url: string) => {
    const result: Record<string, unknown> = {};
    if (!/[?&]verbose(=|&|$)/.test(url)) return result;
    for (const [name, read] of Object.entries(details)) result[name] = read();
    return result;
  };
  return (req, res, next) => {
    const path = targetPath(req.url);
    if (path !== "/healthz" && path !== "/readyz") {
      next();
      return;
    }
    res.setHeader("cache-control", "no-store");
    if (path === "/healthz") {
      res.status(200).json({ status: "ok" });
      return;
    }
    // Draining (shutdown under way): out of the load balancer at once, whatever the checks say.
    const reason = notReadyReason();
    if (reason !== undefined) {
      sendGatewayError(res, new GatewayError("service_unavailable", reason), gatewayContext(res).requestId);
      return;
    }
    Promise.allSettled(
      checks.map((c) => withTimeout(c.check(), CHECK_TIMEOUT_MS, `readiness check ${c.name}`)),
    ).then((results) => {
      const failedChecks = checks.filter((_, i) => results[i]?.status === "rejected");
      const failed = failedChecks.filter((c) => c.critical !== false).map((c) => c.name);
      const degraded = failedChecks.filter((c) => c.critical === false).map((c) => c.name);
      if (failed.length === 0) {
        const names = checks.map((c) => c.name);
        res
          .status(200)
          .json(
            degraded.length === 0
              ? { status: "ready", checks: names, ...detailsNow(req.url) }
              : { status: "degraded", checks: names, degraded, ...detailsNow(req.url) },
          );
        return;
      }
      const error = new GatewayError("service_unavailable", `not ready: ${failed.join(", ")} unavailable`);
      sendGatewayError(res, error, gatewayContext(res).requestId);
    }, next);
  };
}
