import { clientIpOf, GatewayError } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";
import { centralRateLimit, rateLimitPolicyName } from "./central-429.ts";
import type { RememberedLimits } from "./remembered-limits.ts";

/**
 * Remembers central's 429 + Retry-After per route and consumer (identity sub,
 * or client IP when anonymous) and answers 429 locally until it passes, so a
 * blocked client costs central nothing. Per route too, because central's
 * policies are per route: a client blocked on one route may still use another.
 */
export function createRememberCentralLimits(options: { memory: RememberedLimits; now: () => number }) {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const identity = c.get("identity");
    const consumer =
      identity.auth === "anonymous" ? `ip:${clientIpOf(c.req.raw.headers)}` : `sub:${identity.sub}`;
    const key = `${c.get("route").name}\n${consumer}`;

    const remembered = options.memory.lookup(key, options.now());
    if (remembered) {
      const retryAfter = Math.max(1, Math.ceil((remembered.until - options.now()) / 1000));
      const headers: Record<string, string> = { "retry-after": String(retryAfter) };
      if (remembered.policyHeader) headers["ratelimit-policy"] = remembered.policyHeader;
      if (remembered.policyName) headers.ratelimit = `"${remembered.policyName}";r=0;t=${retryAfter}`;
      c.set("rateLimit", "limited");
      throw new GatewayError("rate_limited", "rate limit exceeded; retry later", headers);
    }

    await next();

    if (!c.get("proxied") || c.res.status !== 429) return;
    const response = c.res;
    const { retryAfterSeconds, bodyText } = await centralRateLimit(response);
    // The body was read: hand the client an identical response.
    c.res = new Response(bodyText, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    if (retryAfterSeconds === undefined) return;
    options.memory.remember(key, {
      until: options.now() + retryAfterSeconds * 1000,
      policyHeader: response.headers.get("ratelimit-policy") ?? undefined,
      policyName: rateLimitPolicyName(response.headers.get("ratelimit")),
    });
  });
}
