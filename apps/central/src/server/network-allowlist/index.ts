import { createIpMatcher } from "@gateway/config/cidr";
import type { Cidr } from "./cidr.ts";

export { type Cidr, CidrError, parseCidrList } from "./cidr.ts";

export interface NetworkAllowlist {
  /** True when the peer address lies in one of the allowed networks. Unknown addresses are refused. */
  allows(address: string | undefined): boolean;
  readonly cidrs: readonly Cidr[];
}

/**
 * Peer-address allowlist on the shared CIDR matcher (the one the edge's IP rules
 * use). An IPv4-mapped IPv6 peer (a dual-stack listener reports `::ffff:10.0.0.5`)
 * is checked as the IPv4 address it is.
 */
export function createNetworkAllowlist(cidrs: readonly Cidr[]): NetworkAllowlist {
  const matcher = createIpMatcher(cidrs);
  return { cidrs, allows: (address) => matcher.matches(address) };
}
