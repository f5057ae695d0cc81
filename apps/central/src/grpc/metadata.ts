import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { IdentitySigner } from "@gateway/identity";
import {
  IDENTITY_HEADER,
  type IdentityClaims,
  REQUEST_ID_HEADER,
  USER_ID_HEADER,
  USER_ROLES_HEADER,
  USER_SCOPES_HEADER,
} from "@gateway/types";
import { Metadata } from "@grpc/grpc-js";
import { isSafeHeaderValue, singleHeader } from "../headers.ts";
import { serviceTokenInput } from "../identity/service-token-input.ts";

export interface CallTarget {
  /** `aud` of the service token: the route name. */
  audience: string;
  /** The gRPC :path (`/pkg.Service/Method`); the token is bound to POST + this path. */
  grpcPath: string;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The request metadata a service may trust: the same identity token and
 * convenience entries the HTTP proxy sends as headers (the token is bound to
 * the call as the service sees it: POST and the gRPC path), the request id,
 * W3C trace context, and the route's configured `x-` headers.
 */
export async function callMetadata(
  headers: IncomingHttpHeaders,
  identity: IdentityClaims,
  requestId: string,
  target: CallTarget,
  forwardHeaders: readonly string[],
  signer: IdentitySigner,
): Promise<Metadata> {
  const token = await signer.sign(
    serviceTokenInput(identity, { audience: target.audience, method: "POST", pathAndQuery: target.grpcPath }),
  );
  const metadata = new Metadata();
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined && isSafeHeaderValue(value)) metadata.set(name, value);
  };
  // Configured headers first, so the gateway's own entries below always win.
  for (const name of forwardHeaders) set(name, singleHeader(headers[name]));
  metadata.set(IDENTITY_HEADER, token);
  metadata.set(REQUEST_ID_HEADER, requestId);
  set(USER_ID_HEADER, identity.sub);
  set(USER_ROLES_HEADER, identity.roles.join(","));
  set(USER_SCOPES_HEADER, identity.scopes.join(","));
  if (identity.cip !== undefined) set("x-forwarded-for", identity.cip);
  const traceparent = singleHeader(headers.traceparent);
  if (traceparent !== undefined && TRACEPARENT.test(traceparent)) {
    metadata.set("traceparent", traceparent);
    set("tracestate", singleHeader(headers.tracestate));
  }
  return metadata;
}

const RESERVED = /^(?:grpc-|:|content-type$|te$|user-agent$|content-length$|transfer-encoding$|connection$)/;

/**
 * Service metadata as HTTP response headers, the grpc-gateway way: initial
 * metadata `k` → `grpc-metadata-k`, trailers → `grpc-trailer-k`. Binary (-bin)
 * and transport entries are not passed on.
 */
export function metadataHeaders(metadata: Metadata | undefined, prefix: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  if (metadata === undefined) return headers;
  for (const [key, values] of Object.entries(metadata.getMap())) {
    if (RESERVED.test(key) || key.endsWith("-bin") || typeof values !== "string") continue;
    if (isSafeHeaderValue(values)) headers[`${prefix}${key}`] = values;
  }
  return headers;
}
