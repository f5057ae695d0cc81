import type { IdentityFailure, IdentityVerifier } from "@gateway/identity";
import { GatewayError, IDENTITY_HEADER } from "@gateway/types";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { gatewayContext } from "../../context.ts";
import { REPLAYED_MESSAGE, type ReplayProtection } from "../../replay/index.ts";
import { identityUnavailableError } from "./errors.ts";

/** What the caller is told; the precise reason goes to the debug log only. */
const CLIENT_MESSAGE: Record<Exclude<IdentityFailure, "missing">, string> = {
  malformed: "identity token is malformed",
  too_large: "identity token is malformed",
  bad_header: "identity token is malformed",
  unknown_kid: "identity token signature is not valid",
  bad_signature: "identity token signature is not valid",
  wrong_issuer: "identity token was not issued for this tier",
  wrong_audience: "identity token was not issued for this tier",
  expired: "identity token has expired or is not yet valid",
  not_yet_valid: "identity token has expired or is not yet valid",
  binding_mismatch: "identity token does not match this request",
  replayed: REPLAYED_MESSAGE,
};

export interface IdentityVerificationDeps {
  verifier: IdentityVerifier;
  logger: Logger;
  /**
   * Replay check done later, in the same Redis round trip as the rate limit:
   * the verifier has no replay store, and a verified token's jti is handed on
   * (`context.replay`, a PendingReplay) for the rate-limit step or the replay
   * check to settle.
   */
  replay?: Pick<ReplayProtection, "pending">;
  /** Every rejected token, by reason (`missing`, `expired`, `bad_signature`, ...; for metrics). */
  onFailure?: (reason: string) => void;
}

/**
 * Everything past health checks needs the edge's identity token, bound to this
 * method and raw request target. A replay store that cannot answer fails closed.
 */
export function createIdentityVerification(deps: IdentityVerificationDeps): RequestHandler {
  const replay = deps.replay;
  return (req, res, next) => {
    const context = gatewayContext(res);
    const header = req.headers[IDENTITY_HEADER];
    if (header === undefined || header === "") {
      deps.onFailure?.("missing");
      next(new GatewayError("unauthorized", "identity token required"));
      return;
    }
    if (Array.isArray(header)) {
      deps.onFailure?.("malformed");
      next(new GatewayError("invalid_identity", "identity token is malformed"));
      return;
    }
    deps.verifier.verify(header, { method: req.method, pathAndQuery: req.url }).then(
      (result) => {
        if (!result.ok || result.reusable) {
          // Reusable (unbound) tokens are for services; this verifier never accepts them.
          if (result.ok) {
            deps.onFailure?.("binding_mismatch");
            next(new GatewayError("invalid_identity", CLIENT_MESSAGE.binding_mismatch));
            return;
          }
          deps.onFailure?.(result.reason);
          deps.logger.debug({ requestId: context.requestId, reason: result.reason }, "identity rejected");
          const message =
            result.reason === "missing" ? "identity token required" : CLIENT_MESSAGE[result.reason];
          next(new GatewayError(result.reason === "missing" ? "unauthorized" : "invalid_identity", message));
          return;
        }
        context.identity = result.claims;
        if (replay !== undefined) context.replay = replay.pending(result.claims);
        if (result.claims.cip !== undefined) context.clientIp = result.claims.cip;
        next();
      },
      (err: unknown) => {
        deps.logger.error({ requestId: context.requestId, err }, "identity verification failed");
        next(identityUnavailableError());
      },
    );
  };
}
