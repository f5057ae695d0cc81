import net from "node:net";
import type { Cidr } from "./cidr.ts";

export { type Cidr, CidrError, parseCidrList } from "./cidr.ts";

export interface NetworkAllowlist {
  /** True when the peer address lies in one of the allowed networks. Unknown addresses are refused. */
  allows(address: string | undefined): boolean;
  readonly cidrs: readonly Cidr[];
}

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * Peer-address allowlist on node:net BlockList (used as an allow set). An
 * IPv4-mapped IPv6 peer (a dual-stack listener reports `::ffff:10.0.0.5`) is
 * checked as the IPv4 address it is.
 */
export function createNetworkAllowlist(cidrs: readonly Cidr[]): NetworkAllowlist {
  const allowed = new net.BlockList();
  for (const cidr of cidrs) allowed.addSubnet(cidr.network, cidr.prefix, cidr.family);
  return {
    cidrs,
    allows(address) {
      if (address === undefined) return false;
      const mapped = MAPPED_IPV4.exec(address)?.[1];
      if (mapped !== undefined && net.isIPv4(mapped)) return allowed.check(mapped, "ipv4");
      if (net.isIPv4(address)) return allowed.check(address, "ipv4");
      if (net.isIPv6(address)) return allowed.check(address, "ipv6");
      return false;
    },
  };
}
