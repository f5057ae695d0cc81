import { type Cidr, v4Mask, v6Mask } from "./cidr.ts";
import { type IpAddress, parseIp } from "./parse-ip.ts";

export interface IpMatcher {
  /** True when the address lies in one of the networks; an unparseable address never matches. */
  matches(address: string | IpAddress | undefined): boolean;
  readonly size: number;
}

/**
 * Networks grouped by prefix length, each group a Set of masked network values:
 * a lookup costs one mask and one Set probe per distinct prefix length (at most
 * 33 + 129), whatever the number of networks.
 */
export function createIpMatcher(cidrs: readonly Cidr[]): IpMatcher {
  const v4 = new Map<number, Set<number>>();
  const v6 = new Map<number, Set<bigint>>();
  for (const cidr of cidrs) {
    if (cidr.family === 4) {
      const set = v4.get(cidr.prefix) ?? new Set<number>();
      set.add(cidr.network);
      v4.set(cidr.prefix, set);
    } else {
      const set = v6.get(cidr.prefix) ?? new Set<bigint>();
      set.add(cidr.network);
      v6.set(cidr.prefix, set);
    }
  }
  const v4Groups = [...v4].map(([prefix, networks]) => ({ mask: v4Mask(prefix), networks }));
  const v6Groups = [...v6].map(([prefix, networks]) => ({ mask: v6Mask(prefix), networks }));
  return {
    size: cidrs.length,
    matches(address) {
      const ip = typeof address === "string" ? parseIp(address) : address;
      if (ip === undefined) return false;
      if (ip.family === 4)
        return v4Groups.some(({ mask, networks }) => networks.has((ip.value & mask) >>> 0));
      return v6Groups.some(({ mask, networks }) => networks.has(ip.value & mask));
    },
  };
}
