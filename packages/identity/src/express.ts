import type { RequestHandler } from "express";
import type { ReusableIdentityClaims } from "./claims.ts";
import { requestTargetOf } from "./node.ts";
import { IDENTITY_HEADER, type IdentityClaims, REQUEST_ID_HEADER } from "./types.ts";
import type { IdentityVerifier } from "./verifier.ts";

declare global {
  namespace Express {
    interface Request {
      /** Set by requireGatewayIdentity once the identity token has verified. */
      gatewayIdentity?: IdentityClaims | ReusableIdentityClaims;
    }
    interface Locals {
      identity?: IdentityClaims | ReusableIdentityClaims;
    }
  }
}

export interface RequireGatewayIdentityOptions {
  verifier: IdentityVerifier;
  /** Defaults to x-gateway-identity. */
  headerName?: string;
}

/**
 * Express middleware: verifies the identity token against the request's method and original
 * target. Rejections answer 401 with the gateway's JSON error shape; a replay-store failure
 * goes to `next(err)` so the app's error handler decides.
 */
export function requireGatewayIdentity(opts: RequireGatewayIdentityOptions): RequestHandler {
  const headerName = (opts.headerName ?? IDENTITY_HEADER).toLowerCase();
  return (req, res, next) => {
    const header = req.headers[headerName];
    const token = Array.isArray(header) ? header.join(", ") : header;
    // originalUrl: routers mounted on a prefix rewrite req.url, but the token is bound to the full target.
    opts.verifier
      .verify(token, { method: req.method, pathAndQuery: requestTargetOf(req.originalUrl) })
      .then((result) => {
        if (result.ok) {
          req.gatewayIdentity = result.claims;
          res.locals.identity = result.claims;
          next();
          return;
        }
        const requestId = req.get(REQUEST_ID_HEADER) || crypto.randomUUID();
        res.status(401).json({ error: { code: "invalid_identity", message: result.message, requestId } });
      }, next);
  };
}
