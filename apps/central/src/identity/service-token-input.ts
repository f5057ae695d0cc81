import type { SignInput } from "@gateway/identity";
import type { IdentityClaims } from "@gateway/types";

/**
 * What central signs for a service from the verified edge claims: the identity, the
 * edge-signed client facts, and the request exactly as the service will see it.
 */
export function serviceTokenInput(
  identity: IdentityClaims,
  target: { audience: string; method: string; pathAndQuery: string },
): SignInput {
  return {
    identity: {
      sub: identity.sub,
      roles: identity.roles,
      scopes: identity.scopes,
      auth: identity.auth,
      ...(identity.tenant === undefined ? {} : { tenant: identity.tenant }),
    },
    audience: target.audience,
    method: target.method,
    pathAndQuery: target.pathAndQuery,
    ...(identity.cip === undefined ? {} : { clientIp: identity.cip }),
    ...(identity.xfp === undefined ? {} : { forwardedProto: identity.xfp }),
    ...(identity.xfh === undefined ? {} : { forwardedHost: identity.xfh }),
  };
}
