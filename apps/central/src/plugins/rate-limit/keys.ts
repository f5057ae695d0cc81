import { createHash } from "node:crypto";
import type { RateLimitKeyPart, RateLimitPolicy } from "@gateway/types";
import type { GatewayContext } from "../../context.ts";

/** Longer key parts (encoded) are replaced by a hash, so keys stay bounded whatever clients send. */
export const MAX_KEY_PART_LENGTH = 64;

const MISSING = "-";

export type KeyContext = Pick<GatewayContext, "clientIp" | "identity" | "route">;

function partValue(part: RateLimitKeyPart, context: KeyContext): string | undefined {
  switch (part) {
    case "consumer":
      return context.identity?.sub;
    case "route":
      return context.route?.name;
    case "ip":
      return context.clientIp;
    case "tenant":
      return context.identity?.tenant;
  }
}

/** Encoded so that ":" (IPv6), "{" and "}" (hash tags) cannot blur part boundaries. */
function encodePart(value: string | undefined): string {
  if (value === undefined || value === "") return MISSING;
  const encoded = encodeURIComponent(value);
  if (encoded.length <= MAX_KEY_PART_LENGTH) return encoded;
  return `#${createHash("sha256").update(value).digest("base64url")}`;
}

/**
 * `rl:{<policy>}:<part>:<part>…` in the order the policy lists its key parts.
 * The policy name is the hash tag: all keys of one policy share a cluster slot.
 */
export function rateLimitKey(policy: RateLimitPolicy, context: KeyContext): string {
  const parts = policy.key.map((part) => encodePart(partValue(part, context)));
  return `rl:{${encodePart(policy.name)}}:${parts.length > 0 ? parts.join(":") : "*"}`;
}
