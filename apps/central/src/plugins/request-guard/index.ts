import { GatewayError, type LimitsConfig } from "@gateway/types";
import type { RequestHandler } from "express";
import { framingProblem } from "./framing.ts";

export { framingProblem } from "./framing.ts";

/**
 * Cheap rejections before anything reads the request: only origin-form targets
 * ("/path?query") are proxied, so central can never be used as an open proxy;
 * framing Node accepted but a proxy could re-interpret is refused (400, and the
 * error handler closes the connection). Node caps parsed headers at
 * `server.maxHeadersCount`, which createServer sets one above the limit so that
 * overflow is visible here.
 */
export function createRequestGuard(
  limits: Pick<LimitsConfig, "maxUrlLength" | "maxHeaderCount">,
): RequestHandler {
  return (req, _res, next) => {
    const target = req.url;
    if (!target.startsWith("/")) {
      next(new GatewayError("bad_request", "request target must be a path (origin-form)"));
      return;
    }
    if (target.length > limits.maxUrlLength) {
      next(new GatewayError("uri_too_long", `request target exceeds ${limits.maxUrlLength} bytes`));
      return;
    }
    if (req.rawHeaders.length / 2 > limits.maxHeaderCount) {
      next(new GatewayError("headers_too_large", `more than ${limits.maxHeaderCount} request headers`));
      return;
    }
    const framing = framingProblem(req);
    if (framing !== undefined) {
      next(new GatewayError("bad_request", framing));
      return;
    }
    next();
  };
}
