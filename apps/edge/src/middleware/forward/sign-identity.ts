import { type IdentitySigner, pathAndQueryOf } from "@gateway/identity";
import { IDENTITY_HEADER, type Identity } from "@gateway/types";
import type { PreparedRequest } from "./prepared-request.ts";

/** `aud` of every token the edge signs: central is the only next hop. */
const CENTRAL_AUDIENCE = "central";

/**
 * A copy of `request` carrying X-Gateway-Identity for `identity`, bound to its
 * method, exact path and query, and binding facts. Sign last: a change to the
 * URL or method after signing makes central refuse the token.
 */
export async function signIdentity(
  request: PreparedRequest,
  identity: Identity,
  signer: IdentitySigner,
): Promise<PreparedRequest> {
  const token = await signer.sign({
    identity,
    audience: CENTRAL_AUDIENCE,
    method: request.method,
    pathAndQuery: pathAndQueryOf(request.url),
    ...request.binding,
  });
  const headers = new Headers(request.headers);
  headers.set(IDENTITY_HEADER, token);
  return { ...request, headers };
}
