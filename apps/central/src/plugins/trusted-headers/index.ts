import { headerNameMatcher } from "@gateway/types";
import type { RequestHandler } from "express";
import { stripClientTrustHeaders, stripHopByHopHeaders } from "../../headers.ts";

/**
 * Every client-controllable trust header and every hop-by-hop header is removed;
 * central sets its own when it forwards. X-Forwarded-Proto/Host included: the
 * edge signs them as the `xfp`/`xfh` claims, so no header is ever read for them.
 * `expect` goes too: central answers 100-continue itself. So do the identity headers other
 * proxies set (`identity.stripHeaders`, compiled), so a service that used to sit behind one
 * of them cannot be told who the caller is by the caller.
 */
export function createTrustedHeaders(stripHeaders: readonly string[] = []): RequestHandler {
  const isForeignIdentityHeader = headerNameMatcher(stripHeaders);
  return (req, _res, next) => {
    stripHopByHopHeaders(req.headers);
    stripClientTrustHeaders(req.headers, isForeignIdentityHeader);
    delete req.headers.expect;
    next();
  };
}
