import { isForwardedHost, isForwardedProto, type SignInput } from "@gateway/identity";

/**
 * The scheme and Host the client used, as claims for the identity token
 * (`xfp`, `xfh`): central sets X-Forwarded-Proto/Host from those signed
 * values only. A value that is not a plain scheme or host[:port] is left out
 * rather than failing the request; the service then gets no such header.
 */
export function forwardedClaimsOf(clientUrl: URL): Pick<SignInput, "forwardedProto" | "forwardedHost"> {
  const proto = clientUrl.protocol.slice(0, -1);
  const host = clientUrl.host;
  return {
    ...(isForwardedProto(proto) ? { forwardedProto: proto } : {}),
    ...(isForwardedHost(host) ? { forwardedHost: host } : {}),
  };
}
