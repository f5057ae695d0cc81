import { clientIpOf, type EdgeRateLimitPolicy, GatewayError } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";
import type { CoarseDecision } from "./coarse-limiter.ts";
import { limitKey } from "./limit-key.ts";
import { rateLimitedError } from "./rate-limited-error.ts";
import { bindingNameOf, type CoarseLimiters } from "./resolve-limiters.ts";

export interface CoarseRateLimitOptions {
  /**
   * ip: policies keyed by IP only, before authentication, so a flood of bad
   * tokens is shed without verifying them. consumer: policies whose key
   * includes the consumer, after authentication.
   */
  phase: "ip" | "consumer";
  policies: readonly EdgeRateLimitPolicy[];
  limiters: CoarseLimiters;
  now: () => number;
}

/** The route's coarse edge limits of one phase: 429 rate_limited before any request to central. */
export function createCoarseRateLimit(options: CoarseRateLimitOptions) {
  const byName = new Map(options.policies.map((policy) => [policy.name, policy]));
  const inPhase = (policy: EdgeRateLimitPolicy) =>
    policy.key.includes("consumer") === (options.phase === "consumer");

  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const route = c.get("route");
    const applied = route.edgeRateLimit.flatMap((name) => byName.get(name) ?? []);
    const checked = applied.filter(inPhase);
    if (checked.length > 0) {
      const now = options.now();
      const ip = clientIpOf(c.req.raw.headers);
      const identity = options.phase === "consumer" ? c.get("identity") : undefined;
      const results = await Promise.all(
        checked.map(async (policy) => {
          const limiter = options.limiters.get(policy.name);
          if (!limiter) throw missingLimiter(policy, c.get("requestId"));
          const decision: CoarseDecision = await limiter.check(limitKey(policy, { ip, identity }), now);
          return { policy, decision };
        }),
      );
      const denied = results.filter((result) => !result.decision.allowed);
      c.set("rateLimit", denied.length > 0 ? "limited" : "allowed");
      if (denied.length > 0) throw rateLimitedError(applied, denied);
    }
    await next();
  });
}

function missingLimiter(policy: EdgeRateLimitPolicy, requestId: string): GatewayError {
  console.error(
    JSON.stringify({
      level: "error",
      msg: "rate limit binding missing",
      binding: bindingNameOf(policy),
      policy: policy.name,
      requestId,
    }),
  );
  return new GatewayError("internal_error", "the gateway is misconfigured");
}
