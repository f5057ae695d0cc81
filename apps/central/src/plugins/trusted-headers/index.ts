import type { RequestHandler } from "express";
import { stripClientTrustHeaders, stripHopByHopHeaders } from "../../headers.ts";

/**
 * Every client-controllable trust header and every hop-by-hop header is removed;
 * central sets its own when it forwards. X-Forwarded-Proto/Host included: the
 * edge signs them as the `xfp`/`xfh` claims, so no header is ever read for them.
 * `expect` goes too: central answers 100-continue itself.
 */
export function createTrustedHeaders(): RequestHandler {
  return (req, _res, next) => {
    stripHopByHopHeaders(req.headers);
    stripClientTrustHeaders(req.headers);
    delete req.headers.expect;
    next();
  };
}
