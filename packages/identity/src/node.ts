import type { IncomingMessage } from "node:http";
import { IDENTITY_HEADER } from "./types.ts";
import type { IdentityVerifier, VerifyResult } from "./verifier.ts";

/** The origin-form target of a Node request; absolute-form targets (`GET http://host/p`) are reduced to path+query. */
export function requestTargetOf(url: string | undefined): string {
  if (url === undefined || url === "") return "/";
  if (url.startsWith("/") || url === "*") return url;
  const authorityStart = url.indexOf("//");
  if (authorityStart === -1) return url;
  let authorityEnd = url.length;
  for (const delimiter of ["/", "?", "#"]) {
    const at = url.indexOf(delimiter, authorityStart + 2);
    if (at !== -1 && at < authorityEnd) authorityEnd = at;
  }
  const hashAt = url.indexOf("#", authorityEnd);
  const target = url.slice(authorityEnd, hashAt === -1 ? url.length : hashAt);
  return target.startsWith("/") ? target : `/${target}`;
}

/** Verifies the identity header of a plain node:http (or Fastify `req.raw`) request against its method and target. */
export function verifyNodeRequest(
  verifier: IdentityVerifier,
  req: IncomingMessage,
  headerName: string = IDENTITY_HEADER,
): Promise<VerifyResult> {
  // Node joins repeated custom headers with ", ", which can never verify: a duplicate header is rejected.
  const header = req.headers[headerName.toLowerCase()];
  const token = Array.isArray(header) ? header.join(", ") : header;
  return verifier.verify(token, { method: req.method ?? "GET", pathAndQuery: requestTargetOf(req.url) });
}

export {
  createNodeHmacIdentitySigner,
  createNodeHmacIdentityVerifier,
  createNodeIdentitySigner,
  createNodeIdentityVerifier,
  nodeBindingHash,
} from "./node-crypto.ts";
