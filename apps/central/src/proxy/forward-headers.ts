import type { IncomingMessage } from "node:http";
import type { IdentitySigner } from "@gateway/identity";
import {
  IDENTITY_HEADER,
  type IdentityClaims,
  REQUEST_ID_HEADER,
  USER_ID_HEADER,
  USER_ROLES_HEADER,
  USER_SCOPES_HEADER,
} from "@gateway/types";
import type { GatewayContext } from "../context.ts";
import { isSafeHeaderValue } from "../headers.ts";
import { serviceTokenInput } from "../identity/service-token-input.ts";

export interface ForwardTarget {
  method: string;
  /** Exactly the request target the service will receive. */
  pathAndQuery: string;
  /** `aud` of the service token: the route name. */
  audience: string;
}

function setIfSafe(headers: IncomingMessage["headers"], name: string, value: string): void {
  if (isSafeHeaderValue(value)) headers[name] = value;
}

/**
 * Sets the headers a service may trust (it can verify the identity token that
 * carries the same facts). Client-sent versions were removed earlier by the
 * trusted-headers plugin; these replace them. Mutates `req.headers`.
 */
export async function setForwardHeaders(
  req: IncomingMessage,
  context: GatewayContext,
  identity: IdentityClaims,
  target: ForwardTarget,
  signer: IdentitySigner,
): Promise<void> {
  const token = await signer.sign(
    serviceTokenInput(identity, {
      audience: target.audience,
      method: target.method,
      pathAndQuery: target.pathAndQuery,
    }),
  );
  const headers = req.headers;
  headers[IDENTITY_HEADER] = token;
  headers[REQUEST_ID_HEADER] = context.requestId;
  setIfSafe(headers, USER_ID_HEADER, identity.sub);
  setIfSafe(headers, USER_ROLES_HEADER, identity.roles.join(","));
  setIfSafe(headers, USER_SCOPES_HEADER, identity.scopes.join(","));
  // Only the edge-signed client IP is trusted; anything a client sent was stripped.
  if (identity.cip !== undefined) setIfSafe(headers, "x-forwarded-for", identity.cip);
  // The edge-signed scheme and Host only (the verifier checked their shape); without
  // the claims the service gets neither header rather than a guess.
  if (identity.xfp !== undefined) headers["x-forwarded-proto"] = identity.xfp;
  if (identity.xfh !== undefined) headers["x-forwarded-host"] = identity.xfh;
}
