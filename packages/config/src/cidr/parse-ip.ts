/**
 * IP address parsing without node:net, so the same code runs in workerd and Node.
 * IPv4 is a uint32 number, IPv6 a 128-bit bigint. An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d or ::ffff:XXXX:XXXX) is returned as the IPv4 address it is.
 */
export type IpAddress = { family: 4; value: number } | { family: 6; value: bigint };

const V4_PART = /^(?:0|[1-9]\d{0,2})$/;
const V6_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const MAPPED_PREFIX = 0xffffn << 32n;

/** Strict dotted quad: four decimal parts 0-255, no leading zeros (they read as octal elsewhere). */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!V4_PART.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** RFC 4291 text forms: full, "::"-compressed, with a trailing dotted quad. No zone ids. */
export function parseIpv6(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  const doubleColon = text.indexOf("::");
  if (doubleColon !== -1 && text.indexOf("::", doubleColon + 1) !== -1) return undefined;
  const head = doubleColon === -1 ? text : text.slice(0, doubleColon);
  const tail = doubleColon === -1 ? "" : text.slice(doubleColon + 2);
  const headGroups = groupsOf(head);
  const tailGroups = groupsOf(tail);
  if (headGroups === undefined || tailGroups === undefined) return undefined;
  // A dotted quad may only end the address.
  if (doubleColon === -1 ? false : headGroups.dotted) return undefined;
  const count = headGroups.values.length + tailGroups.values.length;
  if (doubleColon === -1 ? count !== 8 : count > 7) return undefined;
  const values = [...headGroups.values, ...new Array<number>(8 - count).fill(0), ...tailGroups.values];
  let result = 0n;
  for (const group of values) result = (result << 16n) | BigInt(group);
  return result;
}

function groupsOf(part: string): { values: number[]; dotted: boolean } | undefined {
  if (part === "") return { values: [], dotted: false };
  const pieces = part.split(":");
  const values: number[] = [];
  let dotted = false;
  for (const [index, piece] of pieces.entries()) {
    if (index === pieces.length - 1 && piece.includes(".")) {
      const v4 = parseIpv4(piece);
      if (v4 === undefined) return undefined;
      values.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
      dotted = true;
    } else if (V6_GROUP.test(piece)) {
      values.push(Number.parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return { values, dotted };
}

export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { family: 4, value: Number(v6 - MAPPED_PREFIX) };
  return { family: 6, value: v6 };
}
