import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { IdentityClaims, RouteSplitConfig, SplitMatchConfig } from "@gateway/types";

/** What a variant choice may look at: the request's headers, the verified identity, the client IP. */
export interface VariantFacts {
  headers: IncomingHttpHeaders;
  identity: IdentityClaims | undefined;
  clientIp: string;
}

export type VariantChooser = (facts: VariantFacts) => string;

/** First value of a cookie in a Cookie header (RFC 6265 §5.4 serialisation: "a=1; b=2"). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

function matches(match: SplitMatchConfig, facts: VariantFacts): boolean {
  for (const { name, value } of match.headers) if (facts.headers[name] === value) return true;
  if (match.cookies.length > 0) {
    const cookie = facts.headers.cookie;
    for (const { name, value } of match.cookies) if (cookieValue(cookie, name) === value) return true;
  }
  const { country, continent } = facts.identity ?? {};
  if (country !== undefined && match.countries.includes(country)) return true;
  if (continent !== undefined && (match.continents as readonly string[]).includes(continent)) return true;
  return false;
}

/** A stable point in [0, 1) for a key: the same caller lands on the same spot on every replica. */
export function hashPoint(salt: string, key: string): number {
  const digest = createHash("sha256").update(salt).update("\0").update(key).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * Match rules first, in variant order (any one condition of a variant is enough);
 * then the weights: a random point, or with `sticky` a hash of the consumer (or
 * client IP), laid over the variants' cumulative weights in config order. The
 * hash keeps a caller on one variant while the weights stay the same; raising
 * the first variant's share only moves callers towards it.
 */
export function createVariantChooser(
  routeName: string,
  split: RouteSplitConfig,
  random: () => number,
): VariantChooser {
  const matched = split.variants.filter((variant) => variant.match !== undefined);
  const weighted = split.variants.filter((variant) => variant.weight > 0);
  const total = weighted.reduce((sum, variant) => sum + variant.weight, 0);
  const last = weighted[weighted.length - 1];
  if (last === undefined) throw new Error(`route "${routeName}": split needs a variant with weight > 0`);

  const stickyKey = (facts: VariantFacts): string | undefined => {
    if (split.sticky === "consumer")
      return facts.identity !== undefined && facts.identity.auth !== "anonymous"
        ? facts.identity.sub
        : undefined;
    if (split.sticky === "client_ip") return facts.clientIp;
    return undefined;
  };

  return (facts) => {
    for (const variant of matched) if (matches(variant.match as SplitMatchConfig, facts)) return variant.name;
    const key = stickyKey(facts);
    const point = (key === undefined ? random() : hashPoint(routeName, key)) * total;
    let cumulative = 0;
    for (const variant of weighted) {
      cumulative += variant.weight;
      if (point < cumulative) return variant.name;
    }
    return last.name;
  };
}
