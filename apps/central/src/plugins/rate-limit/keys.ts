import type { RateLimitKeyPart, RateLimitPolicy } from "@gateway/types";
import type { GatewayContext } from "../../context.ts";
import { encodeKeyPart, slotTag } from "../../redis/hash-tags.ts";

export { MAX_KEY_PART_LENGTH } from "../../redis/hash-tags.ts";

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

/**
 * Which key part places a policy's keys in a cluster slot: the first of these the
 * policy keys on. Consumer first, so every consumer-keyed policy of a request (and
 * the identity token's jti, see replay/) shares one slot and one script.
 */
export const ANCHOR_ORDER: readonly RateLimitKeyPart[] = ["consumer", "ip", "tenant", "route"];

/** The hash tag of the policy's key for this request (see docs/scaling.md, "Redis key layout"). */
export function rateLimitSlotTag(policy: RateLimitPolicy, context: KeyContext): string {
  const anchor = ANCHOR_ORDER.find((part) => policy.key.includes(part));
  return anchor === undefined ? slotTag("policy", policy.name) : slotTag(anchor, partValue(anchor, context));
}

/**
 * `rl:{<anchor>=<value>}:<policy>:<part>:<part>…`, the parts in the order the
 * policy lists them ("*" without parts). The hash tag is the anchor part's value,
 * not the policy: a policy shared by several routes keeps one counter per key,
 * and the policies of one request that anchor on the same value share a slot.
 */
export function rateLimitKey(policy: RateLimitPolicy, context: KeyContext): string {
  const parts = policy.key.map((part) => encodeKeyPart(partValue(part, context)));
  return `rl:${rateLimitSlotTag(policy, context)}:${encodeKeyPart(policy.name)}:${parts.length > 0 ? parts.join(":") : "*"}`;
}
