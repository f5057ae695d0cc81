import { EDGE_LIMITER_BINDING, rateLimitBindingName } from "@gateway/config/edge-bindings";
import type { EdgeRateLimitPolicy } from "@gateway/types";
import type { EdgeLimiter } from "../../durable/edge-limiter.ts";
import { bindingLimiter } from "./binding-limiter.ts";
import type { CoarseLimiter } from "./coarse-limiter.ts";
import { durableObjectLimiter } from "./durable-object-limiter.ts";

export type CoarseLimiters = ReadonlyMap<string, CoarseLimiter>;

/** The env binding a policy needs: RL_<NAME> (wrangler `ratelimits`) or the EdgeLimiter namespace. */
export function bindingNameOf(policy: EdgeRateLimitPolicy): string {
  return policy.kind === "binding" ? rateLimitBindingName(policy.name) : EDGE_LIMITER_BINDING;
}

/** A limiter per policy name, from the Worker env; `problems` names every binding that is missing. */
export function resolveCoarseLimiters(
  policies: readonly EdgeRateLimitPolicy[],
  env: object,
): { limiters: CoarseLimiters; problems: string[] } {
  const bindings = env as Record<string, unknown>;
  const limiters = new Map<string, CoarseLimiter>();
  const problems: string[] = [];
  for (const policy of policies) {
    const name = bindingNameOf(policy);
    const value = bindings[name];
    if (policy.kind === "binding" && hasMethod(value, "limit")) {
      limiters.set(policy.name, bindingLimiter(value as RateLimit, policy));
    } else if (policy.kind === "durable_object" && hasMethod(value, "idFromName")) {
      limiters.set(policy.name, durableObjectLimiter(value as DurableObjectNamespace<EdgeLimiter>, policy));
    } else {
      problems.push(missingBindingMessage(policy));
    }
  }
  return { limiters, problems };
}

export function missingBindingMessage(policy: EdgeRateLimitPolicy): string {
  const where =
    policy.kind === "binding"
      ? `"ratelimits" (simple: { limit: ${policy.limit}, period: ${policy.windowSeconds} })`
      : `"durable_objects" (class_name EdgeLimiter)`;
  return (
    `rate limit binding ${bindingNameOf(policy)} for edge policy "${policy.name}" is missing: ` +
    `declare it in ${where} in wrangler.jsonc (gateway-config wrangler-bindings prints the entries)`
  );
}

function hasMethod(value: unknown, method: string): boolean {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Record<string, unknown>)[method] === "function"
  );
}
