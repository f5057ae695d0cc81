import { parseIpv4, parseIpv6 } from "./parse-ip.ts";

/** A network: the address with host bits cleared, and its prefix length. */
export type Cidr =
  | { family: 4; network: number; prefix: number }
  | { family: 6; network: bigint; prefix: number };

export type CidrParse =
  | {
      ok: true;
      cidr: Cidr /** The address had bits set past the prefix (10.0.0.1/8). */;
      hostBitsSet: boolean;
    }
  | { ok: false; reason: string };

const PREFIX = /^(?:0|[1-9]\d{0,2})$/;

export function v4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function v6Mask(prefix: number): bigint {
  return prefix === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
}

/**
 * "10.0.0.0/8", "2001:db8::/32", or a bare address (one host). An IPv4-mapped
 * IPv6 network with a prefix of at least 96 (::ffff:10.0.0.0/104) becomes the
 * IPv4 network it covers, so it matches IPv4 clients however they are written.
 */
export function parseCidr(text: string): CidrParse {
  const shown = JSON.stringify(text.slice(0, 64));
  const slash = text.indexOf("/");
  const address = slash === -1 ? text : text.slice(0, slash);
  const v4 = parseIpv4(address);
  const v6 = v4 === undefined ? parseIpv6(address) : undefined;
  if (v4 === undefined && v6 === undefined) {
    return { ok: false, reason: `${shown} is not an IPv4 or IPv6 address or CIDR` };
  }
  const max = v4 !== undefined ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    prefix = Number(prefixText);
    if (!PREFIX.test(prefixText) || prefix > max) {
      return { ok: false, reason: `${shown} has an invalid prefix length (0-${max})` };
    }
  }
  if (v4 !== undefined) {
    const network = (v4 & v4Mask(prefix)) >>> 0;
    return { ok: true, cidr: { family: 4, network, prefix }, hostBitsSet: network !== v4 };
  }
  const value = v6 as bigint;
  const network = value & v6Mask(prefix);
  if (prefix >= 96 && value >> 32n === 0xffffn) {
    return {
      ok: true,
      cidr: { family: 4, network: Number(network & 0xffffffffn), prefix: prefix - 96 },
      hostBitsSet: network !== value,
    };
  }
  return { ok: true, cidr: { family: 6, network, prefix }, hostBitsSet: network !== value };
}

/** The canonical text of a network, for messages ("did you mean 10.0.0.0/8?"). */
export function formatCidr(cidr: Cidr): string {
  if (cidr.family === 4) {
    const n = cidr.network;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${cidr.prefix}`;
  }
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((cidr.network >> shift) & 0xffffn));
  return `${compressV6(groups)}/${cidr.prefix}`;
}

/** RFC 5952 text: lower-case hex, the longest run (2+) of zero groups as "::". */
function compressV6(groups: number[]): string {
  let best = { at: -1, length: 1 };
  for (let at = 0; at < groups.length; at++) {
    let length = 0;
    while (groups[at + length] === 0) length++;
    if (length > best.length) best = { at, length };
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.at === -1) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.length).join(":")}`;
}
