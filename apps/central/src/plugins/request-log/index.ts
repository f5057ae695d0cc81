import { accessLogLevel, redactedTarget, targetPath } from "@gateway/types";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { gatewayContext } from "../../context.ts";
import type { GatewayMetrics } from "../../metrics/index.ts";

export interface RequestLogDeps {
  logger: Logger;
  /** Records every request's route, method, status and latency (src/metrics/). */
  metrics?: GatewayMetrics;
}

function queryOf(url: string): string | undefined {
  const at = url.indexOf("?");
  return at === -1 ? undefined : url.slice(at + 1);
}

/**
 * One JSON line per request (the fields of ACCESS_LOG_FIELDS, shared with the edge), written when
 * the response closes (finished or aborted); the request's metrics and the end of its trace span
 * go with it. Credentials never appear: no headers are logged and credential-like query values
 * are redacted.
 */
export function createRequestLog(deps: RequestLogDeps | Logger): RequestHandler {
  const { logger, metrics } = "logger" in deps ? deps : { logger: deps, metrics: undefined };
  return (req, res, next) => {
    // Captured now: later middleware rewrites req.url to the upstream path.
    const received = req.url;
    res.once("close", () => {
      const context = gatewayContext(res);
      const latencyMs = Number(process.hrtime.bigint() - context.startedAt) / 1e6;
      const status = res.statusCode;
      const route = context.route?.name;
      metrics?.request(route, req.method, status, latencyMs / 1000);
      context.trace?.end({ method: req.method, route, status });
      logger[accessLogLevel(status)](
        {
          requestId: context.requestId,
          traceId: context.trace?.traceId ?? null,
          route: route ?? null,
          method: req.method,
          path: redactedTarget(context.path ?? targetPath(received), queryOf(received)),
          status,
          latencyMs: Math.round(latencyMs * 1000) / 1000,
          upstream: context.upstream ?? null,
          upstreamLatencyMs:
            context.upstreamLatencyMs === undefined
              ? null
              : Math.round(context.upstreamLatencyMs * 1000) / 1000,
          ...(context.variant === undefined ? {} : { variant: context.variant }),
          consumer: context.identity?.sub ?? null,
          cache: context.cache ?? null,
          rateLimit: context.rateLimit ?? null,
          breaker: context.breaker ?? null,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        "request",
      );
    });
    next();
  };
}
