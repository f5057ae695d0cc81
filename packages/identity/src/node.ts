import type { IncomingMessage } from "node:http";
import { IDENTITY_HEADER } from "@gateway/types";
import type { IdentityVerifier, VerifyResult } from "./verifier.ts";

/** The origin-form target of a Node request; absolute-form targets (`GET http://host/p`) are reduced to path+query. */
export function requestTargetOf(url: string | undefined): string {
  if (url === undefined || url === "") return "/";
  if (url.startsWith("/") || url === "*") return url;
  try {
    const parsed = new URL(url);
    const afterOrigin = url.slice(url.indexOf(parsed.host) + parsed.host.length);
    return afterOrigin.startsWith("/") ? afterOrigin.split("#", 1)[0] as string : `/${afterOrigin}`;
  } catch {
    return url;
  }
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
