import net from "node:net";

export interface Cidr {
  /** The network address as written (an IPv4 or IPv6 literal). */
  network: string;
  prefix: number;
  family: "ipv4" | "ipv6";
}

/** Thrown for an unparseable CIDR list; the message names the offending entry. */
export class CidrError extends Error {
  override name = "CidrError";
}

function parseOne(entry: string): Cidr {
  const slash = entry.indexOf("/");
  const network = slash === -1 ? entry : entry.slice(0, slash);
  const family = net.isIPv4(network) ? "ipv4" : net.isIPv6(network) ? "ipv6" : undefined;
  if (family === undefined) throw new CidrError(`"${entry.slice(0, 64)}" is not an IP address or CIDR`);
  const max = family === "ipv4" ? 32 : 128;
  if (slash === -1) return { network, prefix: max, family };
  const prefixText = entry.slice(slash + 1);
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > max) {
    throw new CidrError(`"${entry.slice(0, 64)}" has an invalid prefix length (0-${max})`);
  }
  return { network, prefix, family };
}

/**
 * "127.0.0.1/32, 10.0.0.0/8, ::1/128" → CIDRs. A bare address means one host.
 * An empty list is an error: it would lock every peer out.
 */
export function parseCidrList(text: string): Cidr[] {
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) throw new CidrError("the list is empty");
  return entries.map(parseOne);
}
