import { type Cidr, parseCidr } from "@gateway/config/cidr";

export type { Cidr };

/** Thrown for an unparseable CIDR list; the message names the offending entry. */
export class CidrError extends Error {
  override name = "CidrError";
}

/**
 * "127.0.0.1/32, 10.0.0.0/8, ::1/128" → CIDRs. A bare address means one host;
 * bits past the prefix are ignored (10.0.0.1/8 is 10.0.0.0/8).
 * An empty list is an error: it would lock every peer out.
 */
export function parseCidrList(text: string): Cidr[] {
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) throw new CidrError("the list is empty");
  return entries.map((entry) => {
    const parsed = parseCidr(entry);
    if (!parsed.ok) throw new CidrError(parsed.reason);
    return parsed.cidr;
  });
}
