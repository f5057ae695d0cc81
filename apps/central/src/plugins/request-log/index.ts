import { targetPath } from "@gateway/types";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { gatewayContext } from "../../context.ts";

const MAX_LOGGED_PATH = 512;

function loggedPath(url: string | undefined): string {
  if (url === undefined) return "";
  const path = targetPath(url);
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path;
}

/**
 * One JSON line per request, written when the response closes (finished or
 * aborted). The query string, credentials and identity tokens are never logged.
 */
export function createRequestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    // Captured now: later middleware rewrites req.url to the upstream path.
    const receivedPath = loggedPath(req.url);
    res.once("close", () => {
      const context = gatewayContext(res);
      const latencyMs = Number(process.hrtime.bigint() - context.startedAt) / 1e6;
      logger.info(
        {
          requestId: context.requestId,
          method: req.method,
          path: context.path ?? receivedPath,
          route: context.route?.name,
          status: res.statusCode,
          latencyMs: Math.round(latencyMs * 1000) / 1000,
          upstream: context.upstream,
          ...(context.variant === undefined ? {} : { variant: context.variant }),
          consumer: context.identity?.sub,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        "request",
      );
    });
    next();
  };
}
