import type { ReplayStore } from "@gateway/identity";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { gatewayContext } from "../../context.ts";
import { identityUnavailableError, replayedTokenError } from "../identity/errors.ts";

export { createReplayProtection, type ReplayProtection } from "./protection.ts";

/**
 * Settles a deferred replay check (`context.replay`) that the rate-limit
 * plugin did not fold into its script, i.e. on routes without a policy: one
 * `SET NX` here. Runs after the rate-limit slot, before anything is proxied.
 */
export function createReplayCheck(deps: {
  store: ReplayStore;
  logger: Pick<Logger, "debug" | "error">;
}): RequestHandler {
  return (_req, res, next) => {
    const context = gatewayContext(res);
    const replay = context.replay;
    if (replay === undefined) {
      next();
      return;
    }
    delete context.replay;
    deps.store.remember(replay.jti, replay.expiresAt).then(
      (fresh) => {
        if (fresh) {
          next();
          return;
        }
        deps.logger.debug({ requestId: context.requestId, reason: "replayed" }, "identity rejected");
        next(replayedTokenError());
      },
      (err: unknown) => {
        deps.logger.error({ requestId: context.requestId, err }, "identity verification failed");
        next(identityUnavailableError());
      },
    );
  };
}
