import type { RequestHandler } from "express";
import { gatewayContext } from "../context.ts";
import { takePendingReplay } from "./pending.ts";
import type { ReplayProtection } from "./protection.ts";

/**
 * Settles the pending replay check that no earlier step took (routes without a
 * rate-limit policy): one `SET NX`. Runs after the rate-limit step, before
 * anything is proxied.
 */
export function createReplayCheck(protection: ReplayProtection): RequestHandler {
  return (_req, res, next) => {
    const context = gatewayContext(res);
    const mark = takePendingReplay(context, "replay-check");
    if (mark === undefined) {
      next();
      return;
    }
    protection.check(mark, context.requestId).then((refusal) => next(refusal), next);
  };
}
