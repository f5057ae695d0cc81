import type { RequestHandler } from "express";
import { gatewayContext } from "../../context.ts";
import { singleHeader, stripClientTrustHeaders, stripHopByHopHeaders } from "../../headers.ts";

const FORWARDED_PROTO = /^https?$/;
/** host or host:port, a bracketed IPv6 literal included; nothing that could carry a path. */
const FORWARDED_HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * Runs only after the identity token verified, so the x-forwarded-proto/host the
 * edge set can be read (and sanity-checked). Then every client-controllable
 * trust header and every hop-by-hop header is removed; central sets its own
 * when it forwards. `expect` goes too: central answers 100-continue itself.
 */
export function createTrustedHeaders(): RequestHandler {
  return (req, res, next) => {
    const context = gatewayContext(res);
    const proto = singleHeader(req.headers["x-forwarded-proto"])?.toLowerCase();
    const host = singleHeader(req.headers["x-forwarded-host"]);
    context.forwarded = {
      ...(proto !== undefined && FORWARDED_PROTO.test(proto) ? { proto } : {}),
      ...(host !== undefined && FORWARDED_HOST.test(host) ? { host } : {}),
    };
    stripHopByHopHeaders(req.headers);
    stripClientTrustHeaders(req.headers);
    delete req.headers.expect;
    next();
  };
}
